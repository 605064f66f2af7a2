import SvgIcon, { SvgIconProps } from '@material-ui/core/SvgIcon';

/** A map pin over a map (Material "share_location"-like glyph). */
export const SitesIcon = (props: SvgIconProps) => (
  <SvgIcon {...props}>
    <path d="M12 2C8.13 2 5 5.13 5 9c0 5.25 7 13 7 13s7-7.75 7-13c0-3.87-3.13-7-7-7zm0 2c2.76 0 5 2.24 5 5 0 2.88-2.88 7.19-5 9.88C9.92 16.21 7 11.85 7 9c0-2.76 2.24-5 5-5zm0 2.5A2.5 2.5 0 1 0 12 11.5 2.5 2.5 0 0 0 12 6.5z" />
  </SvgIcon>
);
