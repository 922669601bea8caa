import { changePasswordBodySchema, changePasswordBodySchemaFor } from './auth.schemas';
import { PASSWORD_ISSUES, passwordIssues, passwordSchema, passwordSchemaFor } from './password-policy';

function schemaMessages(value: unknown): string[] {
  const result = passwordSchema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe('passwordIssues', () => {
  it('accepts 10 characters of three classes', () => {
    expect(passwordIssues('Wuxi-board7')).toEqual([]);
    expect(passwordIssues('liangxi2026!')).toEqual([]);
  });

  it('refuses fewer than 10 characters as too short', () => {
    expect(passwordIssues('Wx-2026ab')).toEqual(['password_too_short']);
    expect(passwordIssues('')).toEqual(['password_too_short']);
  });

  it('counts characters, not UTF-16 units', () => {
    expect(passwordIssues('工会共建项目看板密码😀')).toEqual(['password_too_simple']);
    expect(passwordIssues('工会共建1项目Ab')).toEqual(['password_too_short']);
  });

  it('refuses more than 256 characters as too long', () => {
    expect(passwordIssues(`Aa1-${'x'.repeat(253)}`)).toEqual(['password_too_long']);
    expect(passwordIssues(`Aa1-${'x'.repeat(252)}`)).toEqual([]);
  });

  it('refuses fewer than three classes below 16 characters as too simple', () => {
    expect(passwordIssues('wuxiboardsecret')).toEqual(['password_too_simple']);
    expect(passwordIssues('wuxiboard2026')).toEqual(['password_too_simple']);
    expect(passwordIssues('WuxiBoardSecret')).toEqual(['password_too_simple']);
  });

  it('counts lower, upper, digit and anything else as the four classes', () => {
    expect(passwordIssues('wuxiboard26!')).toEqual([]);
    expect(passwordIssues('WUXIBOARD26!')).toEqual([]);
    expect(passwordIssues('WuxiBoard-ab')).toEqual([]);
    expect(passwordIssues('wuxi 梁溪 board 26')).toEqual([]);
  });

  it('accepts any passphrase of 16 characters or more', () => {
    expect(passwordIssues('correcthorsebattery')).toEqual([]);
    expect(passwordIssues('liangxiboardsecr')).toEqual([]);
  });

  it('refuses common passwords in any case', () => {
    expect(passwordIssues('P@ssw0rd123')).toEqual(['password_too_common']);
    expect(passwordIssues('Admin@123456')).toEqual(['password_too_common']);
    expect(passwordIssues('password123')).toEqual(['password_too_simple', 'password_too_common']);
    for (const common of ['12345678910', 'qwertyuiop', 'admin12345']) {
      expect(passwordIssues(common)).toContain('password_too_common');
    }
  });

  it('refuses the username itself, in any case', () => {
    expect(passwordIssues('Liangxi-Union1', 'liangxi-union1')).toEqual(['password_same_as_username']);
    expect(passwordIssues('Liangxi-Union1', 'union')).toEqual([]);
    expect(passwordIssues('Liangxi-Union1')).toEqual([]);
  });
});

describe('passwordSchema', () => {
  it('passes a good password through unchanged', () => {
    expect(passwordSchema.parse('Wuxi-board7')).toBe('Wuxi-board7');
  });

  it('reports each rule as its issue key', () => {
    expect(schemaMessages('short')).toEqual(['password_too_short']);
    expect(schemaMessages('qwertyuiop')).toEqual(['password_too_simple', 'password_too_common']);
    expect(schemaMessages(42)).toHaveLength(1);
  });

  it('uses only the keys of PASSWORD_ISSUES', () => {
    for (const value of ['', 'x'.repeat(300), 'qwertyuiop', 'aaaaaaaaaaa']) {
      for (const message of schemaMessages(value)) expect(PASSWORD_ISSUES).toContain(message);
    }
  });

  it('checks the username rule too when given the username', () => {
    expect(passwordSchema.safeParse('Liangxi-Union1').success).toBe(true);
    const result = passwordSchemaFor('liangxi-union1').safeParse('Liangxi-Union1');
    expect(result.success ? [] : result.error.issues.map((issue) => issue.message)).toEqual([
      'password_same_as_username',
    ]);
    const body = changePasswordBodySchemaFor('youth').safeParse({ currentPassword: 'x', newPassword: 'Youth' });
    expect(body.success ? [] : body.error.issues.map((issue) => issue.message)).toEqual([
      'password_too_short',
      'password_same_as_username',
    ]);
  });

  it('is the new password of changePasswordBodySchema', () => {
    const result = changePasswordBodySchema.safeParse({ currentPassword: 'demo12345', newPassword: 'admin12345' });
    expect(result.success ? [] : result.error.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['newPassword', 'password_too_simple'],
      ['newPassword', 'password_too_common'],
    ]);
    expect(
      changePasswordBodySchema.safeParse({ currentPassword: 'demo12345', newPassword: 'Wuxi-board7' }).success,
    ).toBe(true);
  });
});
