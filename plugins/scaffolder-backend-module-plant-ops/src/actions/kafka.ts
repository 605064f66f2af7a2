import type { TemplateAction } from '@backstage/plugin-scaffolder-node';
import type { PlantOpsDeps } from '../deps';
import { createKafkaResetOffsetsAction } from './kafka/resetOffsets';

/** The Kafka actions. */
export function createKafkaActions(deps: PlantOpsDeps): TemplateAction<any, any, any>[] {
  return [createKafkaResetOffsetsAction(deps)];
}
