export interface Config {
  plant?: {
    /** Kubernetes clusters the plant actions reach, by the name of their catalog Resource (type kubernetes-cluster). */
    kubernetes?: {
      clusters?: Array<{
        /** Name of the kubernetes-cluster Resource, e.g. ms5-prod-aks. */
        name: string;
        /** API server URL. Default: the Resource's kubernetes.io/api-server annotation. */
        url?: string;
        /** Base64 PEM of the API server's CA. Default: the Resource's kubernetes.io/api-server-certificate-authority. */
        caData?: string;
        /** Skip TLS verification (test clusters only). */
        skipTLSVerify?: boolean;
        /**
         * Service account token. Tokens never come from the catalog.
         * @visibility secret
         */
        serviceAccountToken?: string;
        /** Name of an environment variable holding the service account token (instead of serviceAccountToken). */
        serviceAccountTokenEnv?: string;
      }>;
    };
    /** ArgoCD instances the deploy actions use. */
    argocd?: {
      instances?: Array<{
        /** Name the templates and the `argocd/instance-name` annotation use. */
        name: string;
        /** Base URL, e.g. https://argocd.ms5.example.com */
        url: string;
        /**
         * API token of an ArgoCD account allowed to get, sync, update and rollback applications.
         * @visibility secret
         */
        token: string;
      }>;
    };
  };
}
