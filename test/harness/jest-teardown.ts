/** Registered for every test file: lets jest exit without --forceExit. */
import { shutdownHarness } from './run-node';

afterAll(() => shutdownHarness());
