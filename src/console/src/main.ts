import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router';
import { whenSignedOut } from './api/http';
import { clearSession } from './stores/session';
import './styles.css';

whenSignedOut(() => {
  clearSession();
  if (router.currentRoute.value.name !== 'login') router.replace({ name: 'login', query: { redirect: router.currentRoute.value.fullPath, expired: '1' } });
});

createApp(App).use(router).mount('#app');
