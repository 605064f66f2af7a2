export { PLANTOPS_API_VERSION } from './common';
export * from './annotations';
export { sameEntityRef } from './refs';
export { siteEntityV1alpha1Schema, isSiteEntity } from './SiteEntityV1alpha1';
export type {
  SiteEntityV1alpha1,
  SiteEntityV1alpha1 as SiteEntity,
  SiteShiftCalendar,
  SiteShift,
  SitePlannedBreak,
  ShiftWeekday,
  SiteConnectors,
  OpcUaConnector,
  OpcUaSecurityMode,
  OpcUaSecurityPolicy,
  MqttConnector,
} from './SiteEntityV1alpha1';
export {
  productionLineEntityV1alpha1Schema,
  isProductionLineEntity,
} from './ProductionLineEntityV1alpha1';
export type {
  ProductionLineEntityV1alpha1,
  ProductionLineEntityV1alpha1 as ProductionLineEntity,
  LineMachine,
  LineMachineOpcUa,
  MachineNodeMap,
} from './ProductionLineEntityV1alpha1';
