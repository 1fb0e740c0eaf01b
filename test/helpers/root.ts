/** Recording needs root and BPF. Outside CI such tests skip with a reason; with CI=true they must run. */
export const canRecord = process.getuid?.() === 0;
export const mustRecord = process.env.CI === 'true';
export const skipRecording = !canRecord && !mustRecord;
export const skipReason = 'recording needs root (run the tests as root, as CI does)';
