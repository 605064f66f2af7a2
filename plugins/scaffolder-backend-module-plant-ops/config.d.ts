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
        /** Filesystem backup target: a folder, one sub-folder per source database. */
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
