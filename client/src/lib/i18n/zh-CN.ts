import type { BoardRole } from '@gongjian/shared';
import type { ClientErrorCode } from '../api';
import type { Stage } from '../board/project-stage';
import type { SyncStatus } from '../sync';

export const zhCN = {
  app: {
    name: '群团共建项目看板',
    tagline: '工会、共青团、妇联协同共建，项目化、台账式、清单式管理',
  },
  language: {
    label: '界面语言',
    'zh-CN': '中文',
    en: 'English',
  },
  auth: {
    title: '登录',
    username: '用户名',
    password: '密码',
    submit: '登录',
    submitting: '正在登录…',
    logout: '退出',
  },
  boards: {
    title: '我的看板',
    loading: '正在加载看板…',
    empty: '您还没有加入任何看板。',
    createTitle: '新建看板',
    createLabel: '看板名称',
    createPlaceholder: '例如：梁溪区 2026 群团共建项目',
    create: '创建',
    creating: '正在创建…',
    role: '我的角色：{{role}}',
  },
  roles: {
    coordinator: '协调员',
    editor: '编辑',
    viewer: '只读',
  } satisfies Record<BoardRole, string>,
  board: {
    back: '全部看板',
    columns: '项目阶段',
    addProject: '添加项目',
    untitled: '未命名项目',
    titleLabel: '项目名称',
    empty: '暂无项目',
    readOnly: '只读',
  },
  stages: {
    planning: '策划',
    approved: '立项',
    in_progress: '实施',
    evaluation: '考核',
    archived: '归档',
  } satisfies Record<Stage, string>,
  sync: {
    label: '同步状态',
    status: {
      connecting: '连接中',
      syncing: '同步中',
      saved: '已保存',
      offline: '离线',
      error: '出错',
    } satisfies Record<SyncStatus, string>,
    offlineHint: '网络断开，修改已保存在本机，恢复连接后自动同步。',
  },
  presence: {
    label: '正在查看的成员',
    you: '{{name}}（我）',
  },
  notFound: {
    title: '页面不存在',
    back: '返回看板列表',
  },
  errors: {
    invalid_credentials: '用户名或密码错误。',
    unauthenticated: '登录已失效，请重新登录。',
    forbidden: '您没有权限执行此操作。',
    not_found: '未找到该内容，或您没有访问权限。',
    invalid: '提交的内容不符合要求。',
    too_large: '内容过大，超出了允许的大小。',
    rate_limited: '操作过于频繁，请稍后再试。',
    gate_failed: '项目尚未满足进入该阶段的条件。',
    unavailable: '服务暂时不可用，请稍后再试。',
    internal: '服务器出现内部错误，请稍后再试。',
    network: '无法连接服务器，请检查网络。',
    timeout: '服务器响应超时，请稍后再试。',
  } satisfies Record<ClientErrorCode, string>,
};

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** Every catalog has exactly the keys of the zh-CN one. */
export type Catalog = Widen<typeof zhCN>;
