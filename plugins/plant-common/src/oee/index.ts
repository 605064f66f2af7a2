export * from './states';
export * from './timeElements';
export * from './production';
export * from './elements';
export * from './computeOee';
export * from './losses';
export * from './shiftCalendar';
export * from './zonedTime';
