export interface Config {
  plant?: {
    /** PostgreSQL instances the plant-ops actions may operate on. */
    postgres?: {
      instances?: Array<{
        /** Name of the catalog Resource (type database) this instance is, e.g. ms5-postgres-primary. */
        name: string;
        host: string;
        /** Default 5432. */
        port?: number;
        /** A superuser or a role with the rights the actions need (CREATEDB, pg_authid read for rotations). */
        user: string;
        /** @visibility secret */
        password?: string;
        /** The database the actions back up and probe. */
        database: string;
        /**
         * Only where the backend runs next to the server (failback rebuilds the
         * data directory with pg_rewind): where the server's files and tools are.
         */
        local?: {
          dataDirectory: string;
          /** Folder with pg_ctl and pg_rewind. Default /usr/lib/postgresql/15/bin. */
          binDir?: string;
          /** OS user that owns the data directory (pg_ctl refuses root). */
          osUser?: string;
          /** Server log file for pg_ctl start. Default <dataDirectory>.log */
          logFile?: string;
        };
      }>;
      backup?: {
        /**
         * Where plant:postgres:backup stores verified backups and
         * plant:postgres:restore reads them: a folder (type filesystem, with
         * path) or an S3-compatible bucket (type s3: MinIO, AWS S3, ...).
         */
        target?: {
          type: 'filesystem' | 's3';
          /** filesystem: the folder holding `<id>.dump` and `<id>.json` per backup. */
          path?: string;
          /** s3: server URL for MinIO or another S3-compatible server, e.g. https://minio.example.com:9000; unset means AWS S3. */
          endpoint?: string;
          /** s3: default us-east-1. */
          region?: string;
          /** s3: the bucket; it must exist. */
          bucket?: string;
          /** s3: key prefix for the backups' objects, e.g. postgres/ms5. */
          prefix?: string;
          /** s3: address the bucket by path (MinIO). Default true when endpoint is set. */
          forcePathStyle?: boolean;
          /** s3: unset means the AWS SDK's default chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, web identity). */
          credentials?: {
            /** @visibility secret */
            accessKeyId: string;
            /** @visibility secret */
            secretAccessKey: string;
            /** @visibility secret */
            sessionToken?: string;
          };
        };
        /** Older form of target type filesystem (used when target is not set). */
        filesystem?: { path: string };
        retention?: {
          /** Keep at most this many backups per source database. Default 7. */
          keep?: number;
          /** Delete backups older than this many days. Default 30. */
          maxAgeDays?: number;
        };
        /** Folder with pg_dump and pg_restore. Default: found on PATH. */
        binDir?: string;
      };
    };
    /** Kafka clusters the plant-ops actions may operate on. */
    kafka?: {
      clusters?: Array<{
        /** Name of the catalog Resource (type message-broker), e.g. ms5-kafka. */
        name: string;
        brokers: string[];
        ssl?: boolean;
        sasl?: {
          mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
          username: string;
          /** @visibility secret */
          password: string;
        };
      }>;
    };
  };
}
