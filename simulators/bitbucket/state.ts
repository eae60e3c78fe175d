/** In-memory Bitbucket: workspaces, users, repositories (with hooks, commits, branches) and installed apps. */
import { braceUuid, looksLikeUuid, sameUuid } from "./ids";
import type { InstalledApp, SimCommit, SimHook, SimRepository, SimUser, SimWorkspace } from "./types";

export interface RepoData {
  repo: SimRepository;
  hooks: SimHook[];
  commits: Map<string, SimCommit>;
  log: string[]; // every hash, newest first
  branches: Map<string, string>; // name -> head hash
}

export interface RepositoryOptions {
  name?: string;
  is_private?: boolean;
  mainbranch?: string;
}

export class SimState {
  readonly workspaces = new Map<string, SimWorkspace>(); // by slug
  readonly users: SimUser[] = [];
  readonly apps = new Map<string, InstalledApp>(); // by clientKey
  private readonly repos = new Map<string, RepoData>(); // by uuid

  constructor() {
    this.reset();
  }

  reset(): void {
    this.workspaces.clear();
    this.users.length = 0;
    this.apps.clear();
    this.repos.clear();
    this.addUser("sim-admin", "Sim Admin");
  }

  /** The user who installs apps and opens pages unless told otherwise. */
  defaultUser(): SimUser {
    return this.users[0];
  }

  addUser(nickname: string, displayName = nickname): SimUser {
    const existing = this.users.find((u) => u.nickname === nickname);
    if (existing) return existing;
    const uuid = braceUuid();
    const user = { uuid, account_id: `712020:${uuid.slice(1, -1)}`, nickname, display_name: displayName };
    this.users.push(user);
    return user;
  }

  findUser(ref: string): SimUser | undefined {
    return this.users.find((u) => u.nickname === ref || sameUuid(u.uuid, ref));
  }

  addWorkspace(slug: string, name = slug): SimWorkspace {
    const existing = this.workspaces.get(slug);
    if (existing) return existing;
    const ws = { uuid: braceUuid(), slug, name };
    this.workspaces.set(slug, ws);
    return ws;
  }

  /** By slug or `{uuid}`. */
  findWorkspace(ref: string): SimWorkspace | undefined {
    if (looksLikeUuid(ref)) return [...this.workspaces.values()].find((w) => sameUuid(w.uuid, ref));
    return this.workspaces.get(ref);
  }

  addRepository(workspace: string, slug: string, opts: RepositoryOptions = {}): SimRepository {
    const ws = this.addWorkspace(workspace);
    const existing = this.findRepository(ws.slug, slug);
    if (existing) return existing.repo;
    const repo: SimRepository = {
      uuid: braceUuid(),
      slug,
      full_name: `${ws.slug}/${slug}`,
      workspace: ws.slug,
      name: opts.name ?? slug,
      is_private: opts.is_private ?? true,
      mainbranch: opts.mainbranch ?? "main",
      created_on: new Date().toISOString(),
    };
    this.repos.set(repo.uuid, { repo, hooks: [], commits: new Map(), log: [], branches: new Map() });
    return repo;
  }

  /** Workspace and repository each by slug or `{uuid}`; the repository must live in that workspace. */
  findRepository(workspaceRef: string, repoRef: string): RepoData | undefined {
    const ws = this.findWorkspace(workspaceRef);
    if (!ws) return undefined;
    return [...this.repos.values()].find(
      (d) => d.repo.workspace === ws.slug && (d.repo.slug === repoRef || (looksLikeUuid(repoRef) && sameUuid(d.repo.uuid, repoRef))),
    );
  }

  /** For the in-process API: `workspace/slug` or `{uuid}`; throws when unknown so a test typo fails loudly. */
  repo(ref: string): RepoData {
    const found = looksLikeUuid(ref)
      ? [...this.repos.values()].find((d) => sameUuid(d.repo.uuid, ref))
      : [...this.repos.values()].find((d) => d.repo.full_name === ref);
    if (!found) throw new Error(`Bitbucket simulator: no repository ${ref}`);
    return found;
  }

  repositories(workspace?: string): SimRepository[] {
    return [...this.repos.values()].map((d) => d.repo).filter((r) => workspace === undefined || r.workspace === workspace);
  }

  appsInWorkspace(workspace: string): InstalledApp[] {
    return [...this.apps.values()].filter((a) => a.workspace === workspace);
  }
}
