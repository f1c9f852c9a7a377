/** The fake Segmind server for the node's tests and demos; see README.md. */
export { FakeSegmind } from './server';
export { DEFAULT_SCENARIO, FAILURE_REASONS } from './scenario';
export type {
	FailureShape,
	FakeSegmindOptions,
	Host,
	JobScenario,
	OutputShape,
	PollPath,
	RecordedRequest,
	Route,
	ScriptedResponse,
	SubmittedJob,
} from './types';
