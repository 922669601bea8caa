export { default as Drawer } from './Drawer.svelte';
