import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  text: {
    fill: '#7df3e1',
    fontFamily: 'Helvetica, Arial, sans-serif',
    fontWeight: 700,
    fontSize: 34,
  },
});

export const LogoFull = () => {
  const classes = useStyles();
  return (
    <svg xmlns="http://www.w3.org/2000/svg" width={150} height={30} viewBox="0 0 150 30">
      <text x="0" y="26" className={classes.text}>
        Plantops
      </text>
    </svg>
  );
};
