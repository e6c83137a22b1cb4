import type { Db } from '../db';

/** An owner of the chain config as the pickers offer it; `teamId`: a person's team (null for a team). */
export type OwnerOption = { id: string; name: string; kind: string; teamId: string | null };
export type FilterOptions = {
  stages: { key: string; name: string }[]; owners: OwnerOption[]; categories: string[]; services: string[];
};

/** The values the filters and the owner pickers offer. */
export async function listFilterOptions(db: Db): Promise<FilterOptions> {
  const [stages, owners, categories, services] = await Promise.all([
    db.prisma.stage.findMany({ orderBy: { position: 'asc' }, select: { key: true, name: true } }),
    db.prisma.owner.findMany({
      orderBy: [{ kind: 'desc' }, { name: 'asc' }], select: { id: true, name: true, kind: true, teamId: true },
    }),
    db.prisma.errorClass.findMany({ distinct: ['category'], select: { category: true }, orderBy: { category: 'asc' } }),
    db.prisma.service.findMany({ select: { name: true }, orderBy: { name: 'asc' } }),
  ]);
  return { stages, owners, categories: categories.map((c) => c.category), services: services.map((s) => s.name) };
}

export type PickerOptions = { teams: { value: string; label: string }[]; people: { value: string; label: string; teamId: string | null }[] };

/** The pickers' lists: teams, and people with their team (the person list follows the chosen team). */
export function pickerOptions(owners: OwnerOption[]): PickerOptions {
  return {
    teams: owners.filter((o) => o.kind === 'team').map((o) => ({ value: o.id, label: o.name })),
    people: owners.filter((o) => o.kind === 'person').map((o) => ({ value: o.id, label: o.name, teamId: o.teamId })),
  };
}
