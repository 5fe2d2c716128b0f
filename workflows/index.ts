/** Every workflow type the worker runs: one file per process (ARCHITECTURE.md "Shape"). */
export { dischargeEpisode } from './discharge';
export { homeCareEnrollment } from './homeCare';
export { singleHomeVisit } from './homeVisit';
export { monthlyClose, monthlyCloseScheduled } from './monthlyClose';
export { coordinatorDigest } from './coordinatorDigest';
