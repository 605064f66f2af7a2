export interface Config {
  plant?: {
    /** The Plantops permission policy: who may do what, by catalog group. */
    permissions?: {
      /**
       * Role -> entity refs (groups or users from the catalog) that hold it.
       * A user matching none of them is refused everything.
       */
      roles?: {
        /** May read the catalog, templates, approvals and plant data. */
        viewer?: string[];
        /** May run templates against non-production environments, and dry-runs. */
        engineer?: string[];
        /** May run every template in production (held for a second person's approval) and decide approvals. */
        oncall?: string[];
        /** Same as on-call, plus catalog administration. */
        platformLead?: string[];
        /** May run database operations in every environment. */
        dba?: string[];
        /** May run secret and certificate rotations in every environment. */
        security?: string[];
      };
      /** `environment` input values engineers may run plant actions with. Default development, staging. */
      nonProductionEnvironments?: string[];
      /** The guest sign-in of the embedded default: the groups it counts as a member of. */
      guest?: {
        /** Default user:development/guest. */
        userEntityRef?: string;
        groups: string[];
      };
    };
  };
}
