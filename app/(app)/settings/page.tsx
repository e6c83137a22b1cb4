import { getAlertsOverview } from '../../../lib/alerts/overview';
import { listIngestTokens } from '../../../lib/auth/token-admin';
import { listUserChanges } from '../../../lib/auth/user-changes';
import { listUsers } from '../../../lib/auth/user-list';
import { loadRoutingConfig } from '../../../lib/classify/rules';
import { getDb } from '../../../lib/db';
import { getSettings } from '../../../lib/env';
import { requireUser } from '../../_lib/auth';
import { OwnersSection, RoutingSection, TargetsSection, TokensSection } from './config-sections';
import { AlertsSection } from './alerts-section';
import { UsersSection } from './users-section';

export const dynamic = 'force-dynamic';

export default async function SettingsPage() {
  await requireUser('admin', '/settings');
  const settings = getSettings();
  const db = await getDb();
  const [owners, stages, tokens, users, changes] = await Promise.all([
    db.prisma.owner.findMany({ orderBy: [{ kind: 'desc' }, { id: 'asc' }] }),
    db.prisma.stage.findMany({ orderBy: { position: 'asc' } }),
    listIngestTokens(db),
    listUsers(db),
    listUserChanges(db),
  ]);
  const chainFile = settings.chainFile ?? 'lib/chain/default-chain.json';
  const routingFile = settings.routingFile ?? 'lib/classify/default-routing.json';
  return (
    <>
      <h1>Settings</h1>
      <p className="subtle">
        Teams, people and the chain come from the chain config ({chainFile}); routing rules from {routingFile}; targets
        from the environment (README, “Settings”).
      </p>
      <UsersSection users={users} owners={owners} changes={changes} />
      <TokensSection tokens={tokens} fromSettings={settings.ingestTokens.length} />
      <TargetsSection targets={settings.targets} />
      <OwnersSection owners={owners} stages={stages} />
      <RoutingSection rules={loadRoutingConfig(settings.routingFile).rules} />
      <AlertsSection overview={await getAlertsOverview(db, settings.alertsFile)} />
    </>
  );
}
