export * from './board-connection';
export * from './board-doc.svelte';
export * from './project-doc';
export * from './board-notices.svelte';
export * from './refusal-notice';
export { default as BoardNoticeStack } from './BoardNoticeStack.svelte';
export { default as BoardHeader } from './BoardHeader.svelte';
export { default as KanbanBoard } from './KanbanBoard.svelte';
