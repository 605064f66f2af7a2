export { NowContent } from './NowContent';
export { nowRouteRef } from './routes';
