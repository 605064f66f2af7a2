/*
 * Annotations owned by Plantops. Where the ecosystem already has one
 * (backstage.io/kubernetes-id, argocd/app-name, prometheus.io/alert, ...)
 * use that instead of adding one here.
 */

/**
 * On a Component or Resource: the Site it runs at or serves, as an entity
 * ref, e.g. `site:default/ms5-plant-a`. Lets site pages and alert routing
 * find the workloads of a site without walking relations.
 */
export const ANNOTATION_PLANTOPS_SITE = 'plantops.io/site';

/**
 * On a Component or Resource: the ProductionLine it serves, as an entity
 * ref, e.g. `productionline:default/ms5-plant-a-filling`.
 */
export const ANNOTATION_PLANTOPS_PRODUCTION_LINE =
  'plantops.io/production-line';

/**
 * On any entity: an http(s) URL the health checker GETs; a 2xx answer means
 * up. For things with no Prometheus target, or as a second opinion.
 */
export const ANNOTATION_PLANTOPS_HEALTH_URL = 'plantops.io/health-url';

/**
 * On a Resource of type kafka-topic (or a Site): the Kafka topic name, e.g.
 * `ms5.telemetry`. The entity name cannot hold the dot of the real name.
 */
export const ANNOTATION_PLANTOPS_KAFKA_TOPIC = 'plantops.io/kafka-topic';

/**
 * The ecosystem's (Roadie's ArgoCD plugin) on a Component: the ArgoCD
 * application that deploys it. Named here once for the packages that read it.
 */
export const ANNOTATION_ARGOCD_APP_NAME = 'argocd/app-name';

/**
 * The ecosystem's (Roadie's ArgoCD plugin) on a Component: which ArgoCD
 * instance serves its application, when more than one is configured.
 */
export const ANNOTATION_ARGOCD_INSTANCE_NAME = 'argocd/instance-name';
