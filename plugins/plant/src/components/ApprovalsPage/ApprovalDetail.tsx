import { useState } from 'react';
import { Box, Button, TextField, Typography } from '@material-ui/core';
import { InfoCard } from '@backstage/core-components';
import { sameEntityRef } from '@plantops/backstage-plugin-plant-common';
import type { Approval } from '../../api/ApprovalsApi';

const Json = ({ label, value }: { label: string; value: unknown }) => (
  <Box mt={2}>
    <Typography variant="subtitle2">{label}</Typography>
    {value === null || value === undefined ? (
      <Typography variant="body2" color="textSecondary">none</Typography>
    ) : (
      <pre aria-label={label} style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
        {JSON.stringify(value, null, 2)}
      </pre>
    )}
  </Box>
);

/**
 * One request: the plan and dry-run output, and the decision. The buttons
 * are off for the requester (the backend refuses them anyway) and once the
 * request is no longer pending.
 */
export const ApprovalDetail = (props: {
  approval: Approval;
  me?: string;
  onDecide: (approve: boolean, comment: string) => Promise<void>;
}) => {
  const { approval, me, onDecide } = props;
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const own = sameEntityRef(approval.requester, me);
  const open = approval.status === 'pending';
  const decide = async (approve: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      await onDecide(approve, comment);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <InfoCard title={approval.title} subheader={`${approval.status} · ${approval.environment} · ${approval.target}`}>
      <Typography variant="body2">
        Requested by {approval.requester} at {new Date(approval.createdAt).toLocaleString()}; expires{' '}
        {new Date(approval.expiresAt).toLocaleString()}. Task {approval.taskId}
        {approval.templateRef ? ` (${approval.templateRef})` : ''}.
      </Typography>
      {approval.decidedBy && (
        <Typography variant="body2">
          {approval.status} by {approval.decidedBy}
          {approval.comment ? `: ${approval.comment}` : ''}
        </Typography>
      )}
      {!approval.decidedBy && approval.comment && <Typography variant="body2">{approval.comment}</Typography>}
      <Json label="Plan" value={approval.plan} />
      <Json label="Dry-run output" value={approval.dryRunOutput} />
      {open && (
        <Box mt={2}>
          {own && (
            <Typography variant="body2" color="textSecondary">
              You requested this change: someone else must approve or deny it.
            </Typography>
          )}
          <TextField
            id="approval-comment"
            label="Comment"
            fullWidth
            margin="normal"
            value={comment}
            onChange={e => setComment(e.target.value)}
            disabled={own || busy}
          />
          <Button variant="contained" color="primary" disabled={own || busy} onClick={() => decide(true)}>
            Approve
          </Button>{' '}
          <Button variant="outlined" disabled={own || busy} onClick={() => decide(false)}>
            Deny
          </Button>
        </Box>
      )}
      {error && (
        <Box mt={2}>
          <Typography role="alert" color="error" variant="body2">
            {error}
          </Typography>
        </Box>
      )}
    </InfoCard>
  );
};
