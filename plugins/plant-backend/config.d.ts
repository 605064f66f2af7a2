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
      /**
       * TimescaleDB for the rollups: `auto` (default) creates the extension and
       * hypertables when a new store's server offers it; `off` keeps native
       * partitions. Chosen once when the store is created, never converted later.
       */
      timescaledb?: 'auto' | 'off';
      /** TimescaleDB stores: rollup chunks that ended this many days ago are compressed, hourly on the scheduler. Default 7. */
      compressAfterDays?: number;
      /** How long rollups are kept; whole month partitions (or TimescaleDB chunks) are dropped hourly on the scheduler. */
      retention?: {
        /** Days of per-minute rollups. Default 90. */
        minuteDays?: number;
        /** Days of hourly rollups. Default 730. */
        hourDays?: number;
        /** Days of daily rollups. Default: kept. */
        dayDays?: number;
      };
      /** A stop (fault or idle) shorter than this many seconds is a micro-stop (performance loss). Default 120. */
      microStopSeconds?: number;
      /** OPC UA subscriptions to the connectors of the catalog's Site entities. */
      opcua?: {
        /** Subscribe on this backend instance. Default false; enable it on one ingestion backend. */
        enabled?: boolean;
        /** How often the catalog is read for sites that appeared, changed or went. Default 60, at least 5. */
        pollSeconds?: number;
      };
      /** Kafka source. Without it, no Kafka consumer runs. */
      kafka?: {
        brokers: string[];
        /** Default ms5.telemetry. */
        topic?: string;
        /** Default ms5-consumer-group. */
        groupId?: string;
        clientId?: string;
        /** Messages applied per database transaction. Default 50000. */
        chunkSize?: number;
        /** Partitions applied in parallel, each in its own transactions. Default 3. */
        partitionsConsumedConcurrently?: number;
        /** kafkajs fetch sizes: bigger fetches, bigger batches, fewer transactions per event. */
        fetch?: {
          /** Default 12 MiB. */
          maxBytesPerPartition?: number;
          /** Default 24 MiB. */
          maxBytes?: number;
          /** Default 1. */
          minBytes?: number;
          /** Default 1000. */
          maxWaitTimeInMs?: number;
        };
        ssl?: boolean;
        sasl?: {
          mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
          username: string;
          /** @visibility secret */
          password: string;
        };
      };
    };
    /**
     * Health probes, declared per entity by annotations (plantops.io/health-url,
     * plantops.io/prometheus-job, plantops.io/postgres, plantops.io/kafka-consumer-group,
     * a Site's OPC UA connectors). PostgreSQL and Kafka credentials come from
     * plant.postgres.instances and plant.kafka.clusters.
     */
    health?: {
      /** Off stops the sweep (the API still answers). Default true. */
      enabled?: boolean;
      /** Seconds between sweeps. Default 30. */
      sweepSeconds?: number;
      /** Probes of one kind running at once, unless the kind has its own (http, opcua). Default 32. */
      concurrency?: number;
      /** Per probe, ms. Default 5000. */
      timeoutMs?: number;
      /** Days of status changes kept. Default 7. */
      historyDays?: number;
      prometheus?: {
        /** e.g. http://prometheus.monitoring:9090; without it an entity's prometheus-job says "not monitored here". */
        baseUrl?: string;
      };
      http?: {
        /** Slower answers are degraded. Default 2000 ms. */
        slowMs?: number;
        /** Requests at once. Default 64. */
        concurrency?: number;
      };
      kafka?: { /** Consumer-group lag over this is degraded. Default 1000. */ maxLag?: number };
      postgres?: { /** Standby replay lag over this is degraded. Default 30 s. */ maxReplicationLagSeconds?: number };
      opcua?: {
        /** No data change for longer is degraded. Default 300 s. */
        maxDataAgeSeconds?: number;
        /** Sites probed at once (one kept session per endpoint). Default 32. */
        concurrency?: number;
        /**
         * The demo plant's Sites get real OPC UA servers in process, probed in
         * place of their connectors' endpoints. Default: on when the embedded
         * demo plant runs (plant.simulator.enabled).
         */
        demoServers?: boolean;
      };
    };
    /** Alerts from Alertmanager (API v2) and Andon calls. */
    alerts?: {
      alertmanager?: {
        /** e.g. http://alertmanager.monitoring:9093; without it alerts show as unknown. */
        baseUrl?: string;
      };
      /** Seconds between polls (notifications, live updates). Default 15. */
      pollSeconds?: number;
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
    /** Incidents started from alerts and runbooks. */
    incidents?: {
      /** An open incident with no timeline entry for this many days is closed automatically. Default 14. */
      autoCloseDays?: number;
      /** Closed incidents older than this many days are deleted with their timelines. Default 730. */
      retentionDays?: number;
      /** A template launched from a runbook step whose task is not created within this many minutes is given up. Default 60. */
      taskWaitMinutes?: number;
    };
  };
}
