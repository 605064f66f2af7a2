/*
 * Annotations the health probes and alert mapping read. The ecosystem's own
 * come first: `prometheus.io/alert` (alert names, comma separated, or `all`),
 * `backstage.io/kubernetes-id`; `plantops.io/health-url` is in ../entities.
 */

/** Alert names of an entity, comma separated, or `all` (Roadie's Prometheus plugin). */
export const ANNOTATION_PROMETHEUS_ALERT = 'prometheus.io/alert';

/** The Prometheus `job` label of the entity's targets: `up` and the error-rate rule are queried for it. */
export const ANNOTATION_PLANTOPS_PROMETHEUS_JOB = 'plantops.io/prometheus-job';

/**
 * A PostgreSQL server to probe: the name of an entry in
 * `plant.postgres.instances` (app-config; it holds the credentials, so they
 * never sit in the catalog). Without it, a Resource whose name is such an
 * entry's name is probed.
 */
export const ANNOTATION_PLANTOPS_POSTGRES = 'plantops.io/postgres';

/**
 * A Kafka consumer group whose lag per partition is probed (topics: the
 * `plantops.io/kafka-topic` annotation, or every topic the group committed).
 * The brokers: the `plant.kafka.clusters` entry named by
 * `plantops.io/kafka-cluster` or by the entity's own name, else
 * `plant.telemetry.kafka`.
 */
export const ANNOTATION_PLANTOPS_KAFKA_CONSUMER_GROUP = 'plantops.io/kafka-consumer-group';

/** Which `plant.kafka.clusters` entry the consumer group lives on. */
export const ANNOTATION_PLANTOPS_KAFKA_CLUSTER = 'plantops.io/kafka-cluster';

/** The entity's runbook URL; wins over an alert's own runbook_url. */
export const ANNOTATION_PLANTOPS_RUNBOOK = 'plantops.io/runbook';
