import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { OeeTrendPoint, TrendResolution } from '../../api';

type Row = {
  t: number;
  OEE: number | null;
  Availability: number | null;
  Performance: number | null;
  Quality: number | null;
};

const percent = (v: number | null) =>
  typeof v === 'number' && Number.isFinite(v)
    ? Math.round(v * 1000) / 10
    : null;

function tickFormat(resolution: TrendResolution) {
  return (t: number) =>
    new Date(t).toLocaleString(
      undefined,
      resolution === 'minute'
        ? { hour: '2-digit', minute: '2-digit' }
        : { weekday: 'short', hour: '2-digit' },
    );
}

/** OEE, A, P and Q over the window. Unknown points stay gaps, never 0. */
export const TrendChart = ({
  points,
  resolution,
}: {
  points: OeeTrendPoint[];
  resolution: TrendResolution;
}) => {
  const theme = useTheme();
  if (points.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No trend data in this window.
      </Typography>
    );
  }
  const rows: Row[] = points.map(p => ({
    t: Date.parse(p.t),
    OEE: percent(p.oee),
    Availability: percent(p.availability),
    Performance: percent(p.performance),
    Quality: percent(p.quality),
  }));
  const format = tickFormat(resolution);
  const lines: Array<[keyof Row, string, number]> = [
    ['OEE', theme.palette.primary.main, 3],
    ['Availability', theme.palette.info.main, 1.5],
    ['Performance', theme.palette.warning.main, 1.5],
    ['Quality', theme.palette.success.main, 1.5],
  ];
  return (
    <LineChart responsive style={{ width: '100%', height: 240 }} data={rows}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis
        dataKey="t"
        type="number"
        scale="time"
        domain={['dataMin', 'dataMax']}
        tickFormatter={format}
      />
      {/* Not capped at 100: performance may exceed it. */}
      <YAxis
        unit="%"
        domain={[0, (max: number) => Math.max(100, Math.ceil(max / 10) * 10)]}
      />
      <Tooltip labelFormatter={label => format(Number(label))} />
      <Legend />
      {lines.map(([key, colour, width]) => (
        <Line
          key={key}
          dataKey={key}
          stroke={colour}
          strokeWidth={width}
          dot={false}
          connectNulls={false}
          isAnimationActive={false}
        />
      ))}
    </LineChart>
  );
};
