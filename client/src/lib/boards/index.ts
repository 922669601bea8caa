export * from './board-list.svelte';
export { default as BoardListItem } from './BoardListItem.svelte';
export { default as CreateBoardForm } from './CreateBoardForm.svelte';
