/**
 * `npm run bench -- --sim`: the hook for the polling simulation, which runs instead of the
 * scenarios. Replace the body to plug the simulation in.
 */
export async function runSim(): Promise<void> {
	console.log('sim: not built yet');
}
