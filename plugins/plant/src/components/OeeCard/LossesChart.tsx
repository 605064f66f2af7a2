import Typography from '@material-ui/core/Typography';
import { useTheme } from '@material-ui/core/styles';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import type { SixBigLosses } from '@plantops/backstage-plugin-plant-common';
import { formatMinutes } from '../../lib/format';
import { paretoLosses } from './summarize';

/** The six big losses in minutes, biggest first. */
export const LossesChart = ({ losses }: { losses?: SixBigLosses }) => {
  const theme = useTheme();
  if (!losses) {
    return (
      <Typography variant="body2" color="textSecondary">
        Losses unknown for this window.
      </Typography>
    );
  }
  const bars = paretoLosses(losses);
  return (
    <BarChart
      responsive
      style={{ width: '100%', height: 220 }}
      data={bars}
      layout="vertical"
      margin={{ left: 40 }}
    >
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis type="number" unit=" min" />
      <YAxis type="category" dataKey="loss" width={130} />
      <Tooltip formatter={value => formatMinutes(Number(value))} />
      {/* Reduced speed is negative when performance is above 100%. */}
      <Bar
        dataKey="minutes"
        fill={theme.palette.error.main}
        isAnimationActive={false}
      />
    </BarChart>
  );
};
