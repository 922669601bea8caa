export { DEMO_BOARD_ID, DEMO_PASSWORD, seedDemo } from './demo-seed';
export { DEMO_BOARDS } from './demo-boards';
export { buildDemoBoard, demoBoardState } from './demo-content';
