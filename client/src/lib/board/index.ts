export * from './board-connection';
export * from './board-doc.svelte';
export * from './project-doc';
export { default as BoardHeader } from './BoardHeader.svelte';
export { default as KanbanBoard } from './KanbanBoard.svelte';
