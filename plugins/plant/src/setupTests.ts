import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// Charts and lazy extensions render slowly on two busy cores; one second
// (Testing Library's default for findBy/waitFor) made these tests flaky in CI.
configure({ asyncUtilTimeout: 5_000 });
