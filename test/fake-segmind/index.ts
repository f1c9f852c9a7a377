/** The fake Segmind server for the node's tests and demos; see README.md. */
export { FakeSegmind } from './server';
export { RateWindow } from './limits';
export { FAILURE_REASONS, SEGMIND_ORIGIN } from './scenario';
export { NO_CREDITS_ERROR, RETIRED_WORKFLOW_ERROR } from './answers';
export type {
	ApiPollPath,
	FailureShape,
	FakeSegmindOptions,
	InjectionRequest,
	OutputShape,
	PollPath,
	RatePlan,
	RecordedRequest,
	ScriptedResponse,
} from './types';
