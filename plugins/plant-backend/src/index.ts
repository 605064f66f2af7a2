export { plantPlugin as default } from './plugin';
