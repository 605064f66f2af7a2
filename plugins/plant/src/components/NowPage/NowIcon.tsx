import SvgIcon, { SvgIconProps } from '@material-ui/core/SvgIcon';

/** A pulse line: what is happening now. */
export const NowIcon = (props: SvgIconProps) => (
  <SvgIcon {...props}>
    <path d="M3 13h4l2-6 4 12 2.5-8H21v2h-4l-3.5 11L9 12l-.6 3H3z" />
  </SvgIcon>
);
