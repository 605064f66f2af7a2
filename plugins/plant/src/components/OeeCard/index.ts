export { OeeCard } from './OeeCard';
