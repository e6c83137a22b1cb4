'use client';

import { useState, useSyncExternalStore } from 'react';

type Option = { value: string; label: string };
export type PersonOption = Option & { teamId: string | null };

const noSubscription = () => () => {};
/** False in the server's HTML (all a browser without JavaScript gets), true once hydrated. */
const useHydrated = () => useSyncExternalStore(noSubscription, () => true, () => false);

/**
 * The team and person of a class. With JavaScript the person list shows only the chosen team's
 * members, and picking a person (team left to the routing rules) chooses their team. Without it,
 * the server's list groups people by team, and the server gives a person picked alone their team
 * (lib/classify/decisions.ts setClassOwner): no team is picked twice.
 */
export function OwnerPicker(props: { teams: Option[]; people: PersonOption[]; team?: string | null; person?: string | null }) {
  const hydrated = useHydrated();
  const teamOf = new Map(props.people.map((p) => [p.value, p.teamId]));
  const [team, setTeam] = useState(props.team ?? 'auto');
  const [person, setPerson] = useState(props.person && teamOf.get(props.person) === team ? props.person : '');
  const chooseTeam = (t: string) => {
    setTeam(t);
    if (person && teamOf.get(person) !== t) setPerson('');
  };
  const choosePerson = (p: string) => {
    setPerson(p);
    const t = teamOf.get(p);
    if (t) setTeam(t);
  };
  const option = (o: Option) => <option key={o.value} value={o.value}>{o.label}</option>;
  const members = hydrated && team !== 'auto' ? props.people.filter((p) => p.teamId === team) : null;
  return (
    <>
      <label>
        Team
        <select name="owner" value={team} onChange={(e) => chooseTeam(e.target.value)}>
          <option value="auto">(routing rules)</option>
          {props.teams.map(option)}
        </select>
      </label>
      <label>
        Person
        <select name="assignee" value={person} onChange={(e) => choosePerson(e.target.value)} data-members={members ? team : ''}>
          <option value="">(nobody)</option>
          {members
            ? members.map(option)
            : props.teams.map((t) => (
              <optgroup key={t.value} label={t.label}>{props.people.filter((p) => p.teamId === t.value).map(option)}</optgroup>
            ))}
        </select>
      </label>
    </>
  );
}
