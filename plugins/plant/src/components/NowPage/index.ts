export { NowContent } from './NowContent';
export { NowPage } from './NowPage';
export { nowRouteRef } from './routes';
