/**
 * Entry of the wall. The CJK font is bundled (no online font, no CDN: command-centre networks
 * are isolated); design tokens become CSS variables before the first paint.
 */
import '@fontsource-variable/noto-sans-sc';
import './layouts/base.css';
import { createPinia } from 'pinia';
import { createApp } from 'vue';
import App from './App.vue';
import { applyTokens } from './layouts/tokens';

applyTokens();
createApp(App).use(createPinia()).mount('#app');
