import SvgIcon, { SvgIconProps } from '@material-ui/core/SvgIcon';

/** Two ticks: a second person signs off. */
export const ApprovalsIcon = (props: SvgIconProps) => (
  <SvgIcon {...props}>
    <path d="M1.4 12.6 6 17.2l1.4-1.4-4.6-4.6zM22.2 5.8 12 16l-4.2-4.2-1.4 1.4L12 18.8 23.6 7.2zM18 7.2l-1.4-1.4-6.3 6.3 1.4 1.4z" />
  </SvgIcon>
);
