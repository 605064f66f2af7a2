export interface Config {
  /** Plantops plant backend: telemetry ingestion, OEE, machines and Andon. */
  plant?: {
    telemetry?: {
      database?: {
        /**
         * PostgreSQL connection string of the telemetry store. Without it the
         * backend runs an embedded in-process PostgreSQL (PGlite).
         * @visibility secret
         */
        connection?: string;
        /** Folder for the embedded store's data; in memory when unset. */
        embeddedDataDir?: string;
      };
      /** A stop (fault or idle) shorter than this many seconds is a micro-stop (performance loss). Default 120. */
      microStopSeconds?: number;
      /** Kafka source. Without it, no Kafka consumer runs. */
      kafka?: {
        brokers: string[];
        /** Default ms5.telemetry. */
        topic?: string;
        /** Default ms5-consumer-group. */
        groupId?: string;
        clientId?: string;
        ssl?: boolean;
        sasl?: {
          mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
          username: string;
          /** @visibility secret */
          password: string;
        };
      };
    };
    /** The embedded demo plant. On by default when no Kafka source is configured. */
    simulator?: {
      enabled?: boolean;
      /** Simulated seconds per wall-clock second. Default 1. */
      speed?: number;
      seed?: number;
    };
    /** On-call runbooks (Markdown with front matter, see runbooks/README.md). */
    runbooks?: {
      /** Folders on disk, or URLs read through the URL reader (one .md file, or a tree such as a Git folder). */
      locations?: Array<{ type: 'dir' | 'url'; target: string }>;
      /** Prometheus rule files whose alert names runbooks may answer. */
      alertRuleFiles?: string[];
      /** How long a loaded set is served before the locations are read again. Default 60. */
      refreshSeconds?: number;
    };
  };
}
