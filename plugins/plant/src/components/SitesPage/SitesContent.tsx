import { useMemo, useState } from 'react';
import Box from '@material-ui/core/Box';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  EmptyState,
  Link,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
  WarningPanel,
} from '@backstage/core-components';
import { useEntityHref } from '../../lib/entityHref';
import { SiteStatusCell } from './SiteStatusCell';
import { RefLink, SiteRow, statusRank } from './siteRows';
import { useSitesData } from './useSitesData';

/** Site types the Site kind allows; listed even when no site has them yet. */
const SITE_TYPES = ['plant', 'edge-site'];
const ALL = '';

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  filter: { minWidth: 180 },
  andon: { color: theme.palette.error.main, fontWeight: 'bold' },
  missing: { color: theme.palette.text.secondary, fontStyle: 'italic' },
}));

const includes = (term: string, ...values: (string | undefined)[]) => {
  const t = term.toLocaleLowerCase();
  return values.some(v => v?.toLocaleLowerCase().includes(t));
};

const byLabel = (a?: RefLink, b?: RefLink) =>
  (a?.label ?? '').localeCompare(b?.label ?? '');

function uniqueSorted(values: string[]): string[] {
  return [...new Set(values.filter(v => v !== '—'))].sort((a, b) =>
    a.localeCompare(b),
  );
}

const EntityLink = ({
  link,
  href,
}: {
  link?: RefLink;
  href: (link: RefLink) => string | undefined;
}) => {
  if (!link) return <>—</>;
  const to = href(link);
  return to ? <Link to={to}>{link.label}</Link> : <>{link.label}</>;
};

const FilterSelect = ({
  label,
  value,
  options,
  allLabel,
  onChange,
}: {
  label: string;
  value: string;
  options: string[];
  allLabel: string;
  onChange: (value: string) => void;
}) => {
  const classes = useStyles();
  const id = `plant-sites-${label.toLocaleLowerCase()}-filter`;
  return (
    <TextField
      id={id}
      select
      label={label}
      value={value}
      onChange={e => onChange(e.target.value)}
      SelectProps={{ native: true }}
      variant="outlined"
      size="small"
      className={classes.filter}
      InputLabelProps={{ shrink: true }}
    >
      <option value={ALL}>{allLabel}</option>
      {options.map(o => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </TextField>
  );
};

/**
 * Every Site in the catalog with its facts, lines and live status; a region
 * and a type filter above the table, free-text search in it.
 */
export const SitesContent = () => {
  const classes = useStyles();
  const { model, catalogError, loading } = useSitesData();
  const entityHref = useEntityHref();
  const [region, setRegion] = useState(ALL);
  const [type, setType] = useState(ALL);

  const hrefOf = useMemo(
    () => (link: RefLink) => link.ref ? entityHref(link.ref) : undefined,
    [entityHref],
  );
  const now = model?.checkedAt;

  const columns = useMemo((): TableColumn<SiteRow>[] => {
    return [
      {
        title: 'Site',
        field: 'title',
        highlight: true,
        customFilterAndSearch: (term, row) =>
          includes(term, row.title, row.name),
        render: row => (
          <>
            <Link to={entityHref(row.ref)}>{row.title}</Link>
            {row.title !== row.name && (
              <Typography
                variant="caption"
                color="textSecondary"
                component="div"
              >
                {row.name}
              </Typography>
            )}
          </>
        ),
      },
      { title: 'Type', field: 'type' },
      { title: 'Region', field: 'region' },
      { title: 'Plant code', field: 'plantCode' },
      {
        title: 'Time zone',
        field: 'timezone',
        render: row =>
          row.timezoneKnown || row.timezone === '—' ? (
            row.timezone
          ) : (
            <>
              {row.timezone}{' '}
              <Typography variant="caption" color="error">
                (unknown zone)
              </Typography>
            </>
          ),
      },
      {
        title: 'Edge device',
        field: 'edgeDevice',
        customFilterAndSearch: (term, row) =>
          includes(term, row.edgeDevice?.label),
        customSort: (a, b) => byLabel(a.edgeDevice, b.edgeDevice),
        render: row => <EntityLink link={row.edgeDevice} href={hrefOf} />,
      },
      {
        title: 'Cluster',
        field: 'cluster',
        customFilterAndSearch: (term, row) =>
          includes(term, row.cluster?.label),
        customSort: (a, b) => byLabel(a.cluster, b.cluster),
        render: row => <EntityLink link={row.cluster} href={hrefOf} />,
      },
      {
        title: 'Lines',
        field: 'lines',
        customFilterAndSearch: (term, row) =>
          includes(term, ...row.lines.flatMap(l => [l.label, l.ref?.name])),
        customSort: (a, b) => a.lines.length - b.lines.length,
        render: row => (
          <>
            <Typography variant="body2">{row.lines.length}</Typography>
            {row.lines.map((l, i) => (
              <Typography variant="caption" component="div" key={i}>
                <EntityLink link={l} href={hrefOf} />
                {l.inCatalog === false && (
                  <span className={classes.missing}> (not in catalog)</span>
                )}
              </Typography>
            ))}
          </>
        ),
      },
      {
        title: 'Live status',
        field: 'statusLabel',
        customSort: (a, b) =>
          statusRank(a.status) - statusRank(b.status) ||
          a.title.localeCompare(b.title),
        render: row => <SiteStatusCell row={row} now={now ?? new Date()} />,
      },
      {
        title: 'Active Andon',
        field: 'andonActive',
        searchable: false,
        customSort: (a, b) => (a.andonActive ?? -1) - (b.andonActive ?? -1),
        render: row => {
          if (row.andonActive === undefined) return 'unknown';
          if (row.andonActive === 0) return '0';
          return (
            <>
              <Typography variant="body2" className={classes.andon}>
                {row.andonActive}
              </Typography>
              {row.andonCalls.map(call => (
                <Typography variant="caption" component="div" key={call}>
                  {call}
                </Typography>
              ))}
            </>
          );
        },
      },
    ];
  }, [entityHref, hrefOf, now, classes]);

  const rows = useMemo(
    () =>
      (model?.rows ?? [])
        .filter(r => region === ALL || r.region === region)
        .filter(r => type === ALL || r.type === type)
        // the table writes its own state into each row: give it copies
        .map(r => ({ ...r })),
    [model, region, type],
  );

  if (catalogError) {
    return (
      <ResponseErrorPanel
        title={`Could not read the sites from the catalog: ${catalogError.message}`}
        error={catalogError}
      />
    );
  }
  if (!model) return loading ? <Progress /> : null;

  if (model.rows.length === 0) {
    return (
      <EmptyState
        missing="data"
        title="No sites yet"
        description="Register Site entities (apiVersion plantops.io/v1alpha1) in the catalog."
      />
    );
  }

  return (
    <>
      {model.telemetryProblem && (
        <WarningPanel
          title="Live status unknown: the plant backend could not be read"
          message={model.telemetryProblem}
        />
      )}
      {model.unknownSites.length > 0 && (
        <WarningPanel
          title="Telemetry from sites that are not in the catalog"
          message={`Register Site entities for: ${model.unknownSites.join(
            ', ',
          )}`}
        />
      )}
      <Box className={classes.filters} mt={2}>
        <FilterSelect
          label="Region"
          value={region}
          allLabel="All regions"
          options={uniqueSorted(model.rows.map(r => r.region))}
          onChange={setRegion}
        />
        <FilterSelect
          label="Type"
          value={type}
          allLabel="All types"
          options={uniqueSorted([
            ...SITE_TYPES,
            ...model.rows.map(r => r.type),
          ])}
          onChange={setType}
        />
      </Box>
      <Table<SiteRow>
        title={`Sites (${rows.length} of ${model.rows.length})`}
        columns={columns}
        data={rows}
        options={{
          search: true,
          padding: 'dense',
          paging: rows.length > 20,
          pageSize: 20,
        }}
        emptyContent={
          <Box p={2}>
            <Typography variant="body2">
              No site matches the region and type filters.
            </Typography>
          </Box>
        }
      />
    </>
  );
};
