// Runs once before the suite: nothing to share yet; each test file builds its own isolated system.
export default async function setup(): Promise<void> {}
