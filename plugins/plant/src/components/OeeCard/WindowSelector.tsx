import Button from '@material-ui/core/Button';
import ButtonGroup from '@material-ui/core/ButtonGroup';
import { WINDOW_LABELS, WindowKind } from '../../lib/windows';

export const WindowSelector = ({
  value,
  onChange,
}: {
  value: WindowKind;
  onChange: (kind: WindowKind) => void;
}) => (
  <ButtonGroup size="small" aria-label="OEE window">
    {(Object.keys(WINDOW_LABELS) as WindowKind[]).map(kind => (
      <Button
        key={kind}
        color={kind === value ? 'primary' : 'default'}
        variant={kind === value ? 'contained' : 'outlined'}
        aria-pressed={kind === value}
        onClick={() => onChange(kind)}
      >
        {WINDOW_LABELS[kind]}
      </Button>
    ))}
  </ButtonGroup>
);
