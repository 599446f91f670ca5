import { createApp } from 'vue';
import App from './App.vue';
import { router } from './router';
import { whenSignedOut } from './api/http';
import { clearSession } from './stores/session';
// Styles of the services called from scripts (ElMessage, ElMessageBox, v-loading): the template resolver only
// sees components used in templates.
import 'element-plus/es/components/message/style/css';
import 'element-plus/es/components/message-box/style/css';
import 'element-plus/es/components/loading/style/css';
import './styles.css';

whenSignedOut(() => {
  clearSession();
  if (router.currentRoute.value.name !== 'login') router.replace({ name: 'login', query: { redirect: router.currentRoute.value.fullPath, expired: '1' } });
});

createApp(App).use(router).mount('#app');
