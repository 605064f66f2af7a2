import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  text: {
    fill: '#7df3e1',
    fontFamily: 'Helvetica, Arial, sans-serif',
    fontWeight: 700,
    fontSize: 26,
  },
});

export const LogoIcon = () => {
  const classes = useStyles();
  return (
    <svg xmlns="http://www.w3.org/2000/svg" width={28} height={28} viewBox="0 0 28 28">
      <text x="3" y="24" className={classes.text}>
        P
      </text>
    </svg>
  );
};
