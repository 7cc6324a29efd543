// Validates rendered Kubernetes manifests (the output of `kubectl kustomize k8s/overlays/X`):
// every object against the Kubernetes and Gateway API schemas (npm kubernetes-models,
// @kubernetes-models/gateway-api), the mariadb-operator resources by hand (no offline schema),
// and the cross-object rules no schema sees.
//
//   node validate.mjs --profile dev|production|any [--protos DIR] FILE
//   node validate.mjs --self-test [--protos DIR] FILE   (FILE: a rendered production overlay)
//
// Prints what it checked; exits 1 with one line per problem.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import * as k8sModels from 'kubernetes-models';
import * as gatewayModels from '@kubernetes-models/gateway-api';

// What each binary serves (services/*/main.cc, server/all_in_one_main.cc). Checked against the
// services in proto/allies/v1, so a new service fails here until it is deployed and routed.
const BINARIES = {
  'allies-library-service': ['allies.v1.LibraryService'],
  'allies-activity-service': ['allies.v1.ActivityLogService', 'allies.v1.ChangeStreamService'],
  'allies-api-key-service': ['allies.v1.ApiKeyService'],
  'allies-partner-service': ['allies.v1.PartnerService'],
  'allies-contact-service': ['allies.v1.ContactService'],
  'allies-agreement-service': ['allies.v1.AgreementService'],
  'allies-volunteer-service': ['allies.v1.VolunteerService', 'allies.v1.ConsentService'],
  'allies-project-service': ['allies.v1.ProjectService'],
  'allies-reader-council-service': ['allies.v1.ReaderCouncilService'],
  'allies-supervisory-board-service': ['allies.v1.SupervisoryBoardService'],
  'allies-reminder-service': ['allies.v1.ReminderService'],
  'allies-report-service': ['allies.v1.ReportService'],
};
BINARIES['allies-server'] = Object.values(BINARIES).flat();
const MIGRATE_BINARY = 'allies-migrate';
// The reminders' delivery: a CronJob running `allies-notifier --once`, reaching an SMTP relay.
const NOTIFIER_BINARY = 'allies-notifier';
const SMTP_PORTS = [25, 465, 587];
const DB_PORT = 3306;
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|PRIVATE|CREDENTIAL/i;

// --- Schemas ---------------------------------------------------------------------------------
function modelRegistry() {
  const registry = new Map();
  const seen = new Set();
  const walk = (ns, depth) => {
    if (!ns || depth > 4 || seen.has(ns)) return;
    seen.add(ns);
    for (const value of Object.values(ns)) {
      if (typeof value === 'function' && value.apiVersion && value.kind) {
        registry.set(`${value.apiVersion}/${value.kind}`, value);
      } else if (value && typeof value === 'object') {
        walk(value, depth + 1);
      }
    }
  };
  walk(k8sModels, 0);
  walk(gatewayModels, 0);
  return registry;
}

// --- Helpers ---------------------------------------------------------------------------------
const id = (o) => `${o.kind}/${o.metadata?.name}`;
const get = (o, path) => path.split('.').reduce((v, k) => (v == null ? undefined : v[k]), o);
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const nonEmpty = (v) => (typeof v === 'string' ? v.length > 0 : v != null);
// A label selector (matchLabels only, as these manifests use) matches labels.
function selects(selector, labels) {
  const wanted = selector?.matchLabels ?? selector ?? {};
  const keys = Object.keys(wanted);
  return keys.length > 0 && keys.every((k) => labels?.[k] === wanted[k]);
}
function podSpec(o) {
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind)) return o.spec?.template?.spec;
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template?.spec;
  return undefined;
}

export function parseManifests(text) {
  const docs = parseAllDocuments(text);
  const objects = [];
  for (const doc of docs) {
    if (doc.errors.length) throw new Error(`YAML: ${doc.errors[0].message}`);
    const o = doc.toJS();
    if (o) objects.push(o);
  }
  return objects;
}

export function protoServices(dir) {
  const services = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.proto'))) {
    const text = readFileSync(join(dir, f), 'utf8');
    const pkg = /^package\s+([\w.]+)\s*;/m.exec(text)?.[1];
    for (const m of text.matchAll(/^service\s+(\w+)\s*\{/gm)) services.push(`${pkg}.${m[1]}`);
  }
  return services.sort();
}

// --- The checks ------------------------------------------------------------------------------
// Returns {problems: [string], checked: [string]}.
export function check(objects, { profile = 'any', registry, protos = [] }) {
  const problems = [];
  const checked = [];
  const problem = (msg) => problems.push(msg);
  const byKind = (kind) => objects.filter((o) => o.kind === kind);
  const find = (kind, name) => objects.find((o) => o.kind === kind && o.metadata?.name === name);

  // 1. Schemas, names, duplicates.
  const ids = new Set();
  let schemaChecked = 0;
  const handChecked = [];
  for (const o of objects) {
    if (!o.apiVersion || !o.kind || !o.metadata?.name) {
      problem(`object without apiVersion, kind or metadata.name: ${JSON.stringify(o).slice(0, 80)}`);
      continue;
    }
    const key = `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (ids.has(key)) problem(`${id(o)}: defined twice`);
    ids.add(key);
    if (o.apiVersion.startsWith('k8s.mariadb.com/')) {
      handChecked.push(id(o));
      continue; // section 7
    }
    const Model = registry.get(`${o.apiVersion}/${o.kind}`);
    if (!Model) {
      problem(`${id(o)}: no schema for ${o.apiVersion} ${o.kind} (a typo, or an unsupported kind)`);
      continue;
    }
    try {
      new Model(o).validate();
      schemaChecked++;
    } catch (e) {
      problem(`${id(o)}: schema (${o.apiVersion}): ${e.message}`);
    }
  }
  checked.push(`${schemaChecked} objects valid against the Kubernetes/Gateway API schemas`);

  // 2. No secret values in the manifests.
  for (const s of byKind('Secret')) {
    if (s.data || s.stringData) problem(`${id(s)}: a Secret with values in the manifests; create it outside`);
  }
  for (const cm of byKind('ConfigMap')) {
    for (const k of Object.keys(cm.data ?? {})) {
      if (SECRET_NAME.test(k)) problem(`${id(cm)}: key ${k} looks like a credential; use a Secret`);
    }
  }
  const secretRefs = new Map(); // secret name -> Set of keys
  for (const o of objects) {
    for (const c of [...(podSpec(o)?.containers ?? []), ...(podSpec(o)?.initContainers ?? [])]) {
      for (const e of c.env ?? []) {
        if (SECRET_NAME.test(e.name) && e.value !== undefined) {
          problem(`${id(o)}: container ${c.name} sets ${e.name} to a literal; take it from a Secret`);
        }
        const ref = e.valueFrom?.secretKeyRef;
        if (ref) {
          if (!secretRefs.has(ref.name)) secretRefs.set(ref.name, new Set());
          secretRefs.get(ref.name).add(ref.key);
        }
        const cmRef = e.valueFrom?.configMapKeyRef;
        if (cmRef && !find('ConfigMap', cmRef.name)) {
          problem(`${id(o)}: container ${c.name} reads ConfigMap ${cmRef.name}, which is not defined`);
        }
      }
      for (const ef of c.envFrom ?? []) {
        if (ef.configMapRef && !find('ConfigMap', ef.configMapRef.name)) {
          problem(`${id(o)}: container ${c.name} reads ConfigMap ${ef.configMapRef.name}, which is not defined`);
        }
        if (ef.secretRef && !secretRefs.has(ef.secretRef.name)) secretRefs.set(ef.secretRef.name, new Set(['*']));
      }
    }
  }
  for (const kind of ['MariaDB', 'User']) {
    for (const o of byKind(kind)) {
      for (const path of ['spec.rootPasswordSecretKeyRef', 'spec.passwordSecretKeyRef']) {
        const ref = get(o, path);
        if (ref?.name) {
          if (!secretRefs.has(ref.name)) secretRefs.set(ref.name, new Set());
          secretRefs.get(ref.name).add(ref.key);
        }
      }
    }
  }
  checked.push(
    `no secret values; Secrets expected outside the manifests: ${[...secretRefs]
      .map(([n, keys]) => `${n} (${[...keys].join(', ')})`)
      .join(', ') || 'none'}`,
  );

  // 3. Deployments: probes on a declared port naming a served service, resources, non-root,
  // read-only root filesystem, a Service and a PDB selecting the pods.
  const deployments = byKind('Deployment');
  const served = new Map(); // gRPC service -> Service names that reach a Deployment serving it
  for (const d of deployments) {
    const spec = d.spec?.template?.spec ?? {};
    const labels = d.spec?.template?.metadata?.labels ?? {};
    if (!selects(d.spec?.selector, labels)) problem(`${id(d)}: spec.selector does not match its pod labels`);
    const podSc = spec.securityContext ?? {};
    const containers = spec.containers ?? [];
    let binaryServices = [];
    for (const c of containers) {
      const where = `${id(d)}: container ${c.name}`;
      const ports = c.ports ?? [];
      const binary = (c.command ?? c.args ?? [])[0];
      if (!binary || !BINARIES[binary]) {
        problem(`${where}: command ${JSON.stringify(c.command)} is not an Allies server binary (${Object.keys(BINARIES).join(', ')})`);
      } else {
        binaryServices = BINARIES[binary];
      }
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        const p = c[probe];
        if (!p) {
          problem(`${where}: no ${probe}`);
          continue;
        }
        if (!p.grpc) {
          problem(`${where}: ${probe} is not a native gRPC probe`);
          continue;
        }
        if (!ports.some((cp) => cp.containerPort === p.grpc.port)) {
          problem(`${where}: ${probe} port ${p.grpc.port} is not a declared containerPort (${ports.map((cp) => cp.containerPort).join(', ') || 'none'})`);
        }
        if (probe !== 'livenessProbe' && binary && BINARIES[binary] && !BINARIES[binary].includes(p.grpc.service)) {
          problem(`${where}: ${probe} asks for health of "${p.grpc.service ?? ''}", which ${binary} does not serve (${BINARIES[binary].join(', ')})`);
        }
      }
      for (const r of ['requests', 'limits']) {
        for (const res of ['cpu', 'memory']) {
          if (!nonEmpty(c.resources?.[r]?.[res])) problem(`${where}: no resources.${r}.${res}`);
        }
      }
      const sc = c.securityContext ?? {};
      if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) problem(`${where}: runAsNonRoot is not true`);
      if (sc.readOnlyRootFilesystem !== true) problem(`${where}: readOnlyRootFilesystem is not true`);
      if (sc.allowPrivilegeEscalation !== false) problem(`${where}: allowPrivilegeEscalation is not false`);
    }
    const services = byKind('Service').filter((s) => selects(s.spec?.selector, labels));
    if (services.length === 0) problem(`${id(d)}: no Service selects its pods`);
    for (const s of services) {
      for (const sp of s.spec?.ports ?? []) {
        const target = sp.targetPort ?? sp.port;
        const ok = containers.some((c) =>
          (c.ports ?? []).some((cp) => cp.containerPort === target || cp.name === target));
        if (!ok) problem(`${id(s)}: targetPort ${target} is not a port of ${id(d)}'s containers`);
      }
      for (const svc of binaryServices) {
        if (!served.has(svc)) served.set(svc, new Set());
        served.get(svc).add(s.metadata.name);
      }
    }
    if (!byKind('PodDisruptionBudget').some((p) => selects(p.spec?.selector, labels))) {
      problem(`${id(d)}: no PodDisruptionBudget selects its pods`);
    }
  }
  checked.push(`${deployments.length} Deployments: gRPC startup/readiness/liveness probes on a declared port, readiness naming a served service, resources, non-root, read-only root, a Service and a PDB each`);

  // 4. HPA targets.
  for (const h of byKind('HorizontalPodAutoscaler')) {
    const ref = h.spec?.scaleTargetRef ?? {};
    const target = objects.find((o) => o.kind === ref.kind && o.metadata?.name === ref.name && o.apiVersion === ref.apiVersion);
    if (!target) problem(`${id(h)}: scaleTargetRef ${ref.apiVersion} ${ref.kind}/${ref.name} does not exist`);
    if (h.spec?.minReplicas > h.spec?.maxReplicas) problem(`${id(h)}: minReplicas > maxReplicas`);
    if (target?.spec?.replicas > h.spec?.maxReplicas) problem(`${id(h)}: ${id(target)} has more replicas than maxReplicas`);
  }
  checked.push(`${byKind('HorizontalPodAutoscaler').length} HorizontalPodAutoscalers target existing objects`);

  // 5. GRPCRoutes: backends exist on a port they serve, and route the services they name.
  const routed = new Set();
  for (const r of byKind('GRPCRoute')) {
    for (const [i, rule] of (r.spec?.rules ?? []).entries()) {
      const names = (rule.matches ?? []).map((m) => m.method?.service).filter(Boolean);
      names.forEach((n) => routed.add(n));
      for (const b of rule.backendRefs ?? []) {
        if ((b.kind ?? 'Service') !== 'Service' || (b.group ?? '') !== '') continue;
        const s = find('Service', b.name);
        if (!s) {
          problem(`${id(r)}: rule ${i} routes to Service ${b.name}, which does not exist`);
          continue;
        }
        if (!(s.spec?.ports ?? []).some((p) => p.port === b.port)) {
          problem(`${id(r)}: rule ${i} routes to ${b.name}:${b.port}, a port the Service does not have`);
        }
        for (const n of names) {
          if (!served.get(n)?.has(b.name)) problem(`${id(r)}: rule ${i} routes ${n} to Service ${b.name}, whose pods do not serve it`);
        }
      }
    }
  }
  if (byKind('GRPCRoute').length > 0) {
    for (const svc of protos) if (!routed.has(svc)) problem(`GRPCRoute: no rule routes ${svc} (proto/allies/v1)`);
  }
  for (const svc of protos) {
    if (!BINARIES['allies-server'].includes(svc)) problem(`validate.mjs: ${svc} (proto) is served by no known binary; update BINARIES`);
    if (deployments.length > 0 && !served.has(svc)) problem(`no Deployment with a Service serves ${svc}`);
  }
  checked.push(`${byKind('GRPCRoute').length} GRPCRoute(s): ${routed.size} gRPC services routed to existing Services serving them${protos.length ? `; all ${protos.length} services of proto/ served and routed` : ''}`);

  // 6. Exactly one migrations Job, running allies-migrate.
  const jobs = byKind('Job');
  const migrations = jobs.filter((j) => (j.spec?.template?.spec?.containers ?? []).some((c) => (c.command ?? [])[0] === MIGRATE_BINARY));
  if (migrations.length !== 1 || migrations[0].metadata.name !== 'allies-migrate') {
    problem(`expected exactly one migrations Job named allies-migrate running ${MIGRATE_BINARY}, found ${migrations.length} (${migrations.map(id).join(', ') || 'none'})`);
  }
  for (const j of jobs) {
    for (const c of j.spec?.template?.spec?.containers ?? []) {
      if (c.securityContext?.readOnlyRootFilesystem !== true) problem(`${id(j)}: container ${c.name}: readOnlyRootFilesystem is not true`);
    }
  }
  checked.push(`exactly one migrations Job (${migrations.map(id).join(', ')})`);

  // 6b. Reminders: every CronJob runs allies-notifier --once, non-root, read-only root, and
  // never two runs at once (the notifier's database lock would make the second wait).
  const cronjobs = byKind('CronJob');
  for (const cj of cronjobs) {
    const spec = podSpec(cj) ?? {};
    if (spec.securityContext?.runAsNonRoot !== true) problem(`${id(cj)}: runAsNonRoot is not true`);
    if (cj.spec?.concurrencyPolicy !== 'Forbid') problem(`${id(cj)}: concurrencyPolicy is not Forbid`);
    for (const c of spec.containers ?? []) {
      const command = c.command ?? [];
      if (command[0] !== NOTIFIER_BINARY || !command.includes('--once')) {
        problem(`${id(cj)}: container ${c.name}: command ${JSON.stringify(command)} is not [${NOTIFIER_BINARY}, --once, ...]`);
      }
      if (c.securityContext?.readOnlyRootFilesystem !== true) problem(`${id(cj)}: container ${c.name}: readOnlyRootFilesystem is not true`);
      if (!c.resources?.limits) problem(`${id(cj)}: container ${c.name}: no resources.limits`);
    }
  }
  checked.push(`${cronjobs.length} CronJob(s) running ${NOTIFIER_BINARY} --once, one run at a time`);

  // 7. NetworkPolicy: the Allies pods take gRPC only and reach the database and DNS (and the
  // notifier the SMTP relay).
  const alliesPods = [...deployments, ...migrations, ...cronjobs];
  const policies = byKind('NetworkPolicy');
  for (const w of alliesPods) {
    const labels = (w.kind === 'CronJob' ? w.spec?.jobTemplate?.spec?.template : w.spec?.template)?.metadata?.labels ?? {};
    const np = policies.filter((p) => selects(p.spec?.podSelector, labels));
    if (np.length === 0) {
      problem(`${id(w)}: no NetworkPolicy selects its pods`);
      continue;
    }
    const egressPorts = np.flatMap((p) => (p.spec?.egress ?? []).flatMap((e) => (e.ports ?? []).map((x) => x.port)));
    if (!egressPorts.includes(DB_PORT)) problem(`${id(w)}: its NetworkPolicy allows no egress to the database port ${DB_PORT}`);
    if (!egressPorts.includes(53)) problem(`${id(w)}: its NetworkPolicy allows no egress to DNS (53)`);
    if (w.kind === 'CronJob' && !SMTP_PORTS.some((p) => egressPorts.includes(p))) {
      problem(`${id(w)}: its NetworkPolicy allows no egress to an SMTP port (${SMTP_PORTS.join(', ')})`);
    }
    if (w.kind === 'Deployment') {
      const grpcPorts = (w.spec.template.spec.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => p.containerPort));
      const ingressPorts = np.flatMap((p) => (p.spec?.ingress ?? []).flatMap((i) => (i.ports ?? []).map((x) => x.port)));
      if (!grpcPorts.every((p) => ingressPorts.includes(p))) problem(`${id(w)}: its NetworkPolicy does not allow ingress on ${grpcPorts.join(', ')}`);
    }
  }
  checked.push(`NetworkPolicy: ${alliesPods.length} Allies workloads take ingress on their gRPC port, egress to ${DB_PORT} and DNS (the notifier: SMTP)`);

  // 8. mariadb-operator resources (k8s.mariadb.com/v1alpha1): required fields, by hand.
  const required = {
    MariaDB: ['spec.rootPasswordSecretKeyRef.name', 'spec.rootPasswordSecretKeyRef.key', 'spec.storage.size', 'spec.replicas'],
    Database: ['spec.mariaDbRef.name', 'spec.characterSet', 'spec.collate'],
    User: ['spec.mariaDbRef.name', 'spec.passwordSecretKeyRef.name', 'spec.passwordSecretKeyRef.key', 'spec.host'],
    Grant: ['spec.mariaDbRef.name', 'spec.privileges', 'spec.database', 'spec.table', 'spec.username', 'spec.host'],
    Backup: ['spec.mariaDbRef.name', 'spec.storage', 'spec.schedule.cron', 'spec.maxRetention'],
    PhysicalBackup: ['spec.mariaDbRef.name', 'spec.storage', 'spec.schedule.cron', 'spec.maxRetention'],
  };
  for (const o of objects.filter((x) => x.apiVersion?.startsWith('k8s.mariadb.com/'))) {
    if (o.apiVersion !== 'k8s.mariadb.com/v1alpha1') problem(`${id(o)}: apiVersion ${o.apiVersion}, expected k8s.mariadb.com/v1alpha1`);
    if (!required[o.kind]) {
      problem(`${id(o)}: unexpected mariadb-operator kind (checked: ${Object.keys(required).join(', ')})`);
      continue;
    }
    for (const path of required[o.kind]) if (!nonEmpty(get(o, path))) problem(`${id(o)}: ${path} is required`);
    const ref = o.spec?.mariaDbRef?.name;
    if (ref && !find('MariaDB', ref)) problem(`${id(o)}: mariaDbRef ${ref} is not a MariaDB here`);
  }
  for (const m of byKind('MariaDB')) {
    const galera = m.spec?.galera ?? {};
    const replication = m.spec?.replication ?? {};
    if (m.spec?.replicas > 1 && !galera.enabled && !replication.enabled) problem(`${id(m)}: ${m.spec.replicas} replicas need galera.enabled or replication.enabled`);
    if (galera.enabled) {
      if (!(m.spec.replicas >= 3 && m.spec.replicas % 2 === 1)) problem(`${id(m)}: Galera needs an odd number of replicas, at least 3 (quorum), not ${m.spec.replicas}`);
      if (!['mariabackup', 'rsync', 'mysqldump'].includes(galera.sst)) problem(`${id(m)}: galera.sst must be mariabackup, rsync or mysqldump`);
      if (galera.primary?.autoFailover !== true) problem(`${id(m)}: galera.primary.autoFailover should be true`);
      if (galera.recovery?.enabled !== true) problem(`${id(m)}: galera.recovery.enabled should be true`);
    }
  }
  for (const g of byKind('Grant')) {
    if (!Array.isArray(g.spec?.privileges) || g.spec.privileges.length === 0) problem(`${id(g)}: spec.privileges must be a non-empty list`);
    const user = byKind('User').find((u) => (u.spec?.name ?? u.metadata.name) === g.spec?.username);
    if (!user) problem(`${id(g)}: username ${g.spec?.username} is not a User here`);
    const db = byKind('Database').find((d) => (d.spec?.name ?? d.metadata.name) === g.spec?.database);
    if (g.spec?.database !== '*' && !db) problem(`${id(g)}: database ${g.spec?.database} is not a Database here`);
  }
  checked.push(`mariadb-operator resources, required fields checked by hand: ${handChecked.join(', ') || 'none'}`);

  // 9. The application's database settings name a database this overlay provides.
  const dbConfigs = byKind('ConfigMap').filter((c) => c.data?.ALLIES_DB_HOST);
  for (const cm of dbConfigs) {
    const host = cm.data.ALLIES_DB_HOST;
    const fromOperator = byKind('MariaDB').flatMap((m) => [m.metadata.name, `${m.metadata.name}-primary`, `${m.metadata.name}-secondary`]);
    if (!find('Service', host) && !fromOperator.includes(host)) problem(`${id(cm)}: ALLIES_DB_HOST=${host} is no Service of this overlay`);
    if (Number(cm.data.ALLIES_DB_PORT ?? DB_PORT) !== DB_PORT) problem(`${id(cm)}: ALLIES_DB_PORT is not ${DB_PORT} (the NetworkPolicy allows ${DB_PORT})`);
    for (const u of byKind('User')) {
      if (cm.data.ALLIES_DB_USER && (u.spec?.name ?? u.metadata.name) !== cm.data.ALLIES_DB_USER) problem(`${id(cm)}: ALLIES_DB_USER=${cm.data.ALLIES_DB_USER} but the operator's User is ${u.spec?.name ?? u.metadata.name}`);
    }
  }
  if (deployments.length > 0 && dbConfigs.length === 0) problem('no ConfigMap sets ALLIES_DB_HOST');
  checked.push(`database settings: ${dbConfigs.map((c) => `${id(c)} ALLIES_DB_HOST=${c.data.ALLIES_DB_HOST}`).join(', ')}`);

  // 10. What each overlay promises.
  const dbWorkloads = [...byKind('StatefulSet'), ...deployments].filter((o) => o.spec?.template?.metadata?.labels?.['app.kubernetes.io/name'] === 'mariadb');
  if (profile === 'dev') {
    for (const d of deployments) if (d.spec?.replicas !== 1) problem(`dev: ${id(d)} has ${d.spec?.replicas} replicas, expected 1`);
    if (dbWorkloads.length !== 1 || dbWorkloads[0].spec?.replicas !== 1) problem(`dev: expected one single-replica MariaDB StatefulSet or Deployment, found ${dbWorkloads.length}`);
    if (byKind('MariaDB').length) problem('dev: no mariadb-operator MariaDB expected');
    checked.push('dev: one replica per service, one MariaDB workload');
  } else if (profile === 'production') {
    const mariadbs = byKind('MariaDB');
    if (mariadbs.length !== 1) problem(`production: expected one MariaDB, found ${mariadbs.length}`);
    for (const m of mariadbs) {
      if (m.spec?.galera?.enabled !== true) problem(`production: ${id(m)} must have galera.enabled: true`);
      if (m.spec?.replicas !== 3) problem(`production: ${id(m)} must have 3 replicas`);
      const host = dbConfigs[0]?.data?.ALLIES_DB_HOST;
      if (host !== `${m.metadata.name}-primary`) problem(`production: ALLIES_DB_HOST is ${host}, expected ${m.metadata.name}-primary (one writer: GET_LOCK and FOR UPDATE are node-local)`);
    }
    for (const kind of ['Database', 'User', 'Grant']) if (byKind(kind).length === 0) problem(`production: no ${kind}`);
    if (![...byKind('Backup'), ...byKind('PhysicalBackup')].some((b) => b.spec?.schedule?.cron)) problem('production: no scheduled Backup');
    if (dbWorkloads.length) problem('production: the database is the operator\'s, not a plain workload');
    if (deployments.length < Object.keys(BINARIES).length - 1) problem(`production: expected one Deployment per service binary, found ${deployments.length}`);
    checked.push('production: per-service Deployments, a 3-node Galera MariaDB, Database, User, Grant, a scheduled Backup');
  }
  return { problems, checked };
}

// --- Self-test: each mutation of a valid rendering must be caught ------------------------------
const MUTATIONS = [
  ['a Deployment without its PDB', (objs) => objs.filter((o) => !(o.kind === 'PodDisruptionBudget' && o.metadata.name === 'allies-library')), 'no PodDisruptionBudget selects'],
  ['a probe on an undeclared port', (objs) => { objs.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].readinessProbe.grpc.port = 50052; return objs; }, 'not a declared containerPort'],
  ['a named probe port (schema)', (objs) => { objs.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].livenessProbe.grpc.port = 'grpc'; return objs; }, 'must be integer'],
  ['readiness naming another service', (objs) => { const d = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'allies-partner'); d.spec.template.spec.containers[0].readinessProbe.grpc.service = 'allies.v1.LibraryService'; return objs; }, 'does not serve'],
  ['no Service for a Deployment', (objs) => objs.filter((o) => !(o.kind === 'Service' && o.metadata.name === 'allies-contact')), 'no Service selects'],
  ['an HPA aiming at nothing', (objs) => { objs.find((o) => o.kind === 'HorizontalPodAutoscaler').spec.scaleTargetRef.name = 'allies-nowhere'; return objs; }, 'does not exist'],
  ['a string maxReplicas (schema)', (objs) => { objs.find((o) => o.kind === 'HorizontalPodAutoscaler').spec.maxReplicas = '4'; return objs; }, 'must be integer'],
  ['a route to a missing Service', (objs) => { objs.find((o) => o.kind === 'GRPCRoute').spec.rules[0].backendRefs[0].name = 'allies-gone'; return objs; }, 'does not exist'],
  ['a bad GRPCRoute method.type (schema)', (objs) => { objs.find((o) => o.kind === 'GRPCRoute').spec.rules[0].matches[0].method.type = 'Prefix'; return objs; }, 'schema'],
  ['an unrouted service', (objs) => { objs.find((o) => o.kind === 'GRPCRoute').spec.rules.pop(); return objs; }, 'no rule routes'],
  ['two migrations Jobs', (objs) => { const j = structuredClone(objs.find((o) => o.kind === 'Job')); j.metadata.name = 'allies-migrate-2'; return [...objs, j]; }, 'exactly one migrations Job'],
  ['a writable root filesystem', (objs) => { objs.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false; return objs; }, 'readOnlyRootFilesystem'],
  ['no resource limits', (objs) => { delete objs.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].resources.limits; return objs; }, 'resources.limits'],
  ['a password in the manifests', (objs) => { objs.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0].env[0] = { name: 'ALLIES_DB_PASSWORD', value: 'hunter2' }; return objs; }, 'to a literal'],
  ['a notifier that cannot reach the relay', (objs) => objs.filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.name === 'allies-notifier')), 'SMTP port'],
  ['two notifier runs at once', (objs) => { objs.find((o) => o.kind === 'CronJob').spec.concurrencyPolicy = 'Allow'; return objs; }, 'concurrencyPolicy'],
  ['a NetworkPolicy without DNS', (objs) => { const np = objs.find((o) => o.kind === 'NetworkPolicy'); np.spec.egress = np.spec.egress.filter((e) => !e.ports.some((p) => p.port === 53)); return objs; }, 'DNS'],
  ['Galera with 2 replicas', (objs) => { objs.find((o) => o.kind === 'MariaDB').spec.replicas = 2; return objs; }, 'odd number of replicas'],
  ['a Grant without privileges', (objs) => { delete objs.find((o) => o.kind === 'Grant').spec.privileges; return objs; }, 'spec.privileges'],
  ['a Backup without a schedule', (objs) => { delete objs.find((o) => o.kind === 'Backup').spec.schedule; return objs; }, 'spec.schedule.cron'],
  ['a MariaDB without root password', (objs) => { delete objs.find((o) => o.kind === 'MariaDB').spec.rootPasswordSecretKeyRef; return objs; }, 'rootPasswordSecretKeyRef'],
  ['the app writing to every node', (objs) => { objs.find((o) => o.kind === 'ConfigMap').data.ALLIES_DB_HOST = 'mariadb'; return objs; }, 'expected mariadb-primary'],
  ['a kind with no schema', (objs) => [...objs, { apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } }], 'no schema'],
];

function selfTest(objects, options) {
  let failed = 0;
  const clean = check(structuredClone(objects), options);
  if (clean.problems.length) {
    console.log(`self-test: the unmodified input is not clean:\n  ${clean.problems.join('\n  ')}`);
    return 1;
  }
  for (const [what, mutate, expected] of MUTATIONS) {
    const { problems } = check(mutate(structuredClone(objects)), options);
    const caught = problems.find((p) => p.includes(expected));
    if (caught) {
      console.log(`  caught: ${what}: ${caught}`);
    } else {
      failed++;
      console.log(`  MISSED: ${what}: expected a problem containing "${expected}", got: ${problems.join(' | ') || 'none'}`);
    }
  }
  console.log(`self-test: ${MUTATIONS.length - failed} broken variants caught, ${failed} missed`);
  return failed ? 1 : 0;
}

// --- Main ------------------------------------------------------------------------------------
function main(argv) {
  let profile = 'any';
  let protosDir;
  let self = false;
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--profile') profile = argv[++i];
    else if (argv[i] === '--protos') protosDir = argv[++i];
    else if (argv[i] === '--self-test') self = true;
    else files.push(argv[i]);
  }
  if (files.length !== 1 || !['dev', 'production', 'any'].includes(profile)) {
    console.error('usage: node validate.mjs [--profile dev|production|any] [--protos DIR] [--self-test] RENDERED.yaml');
    return 2;
  }
  const objects = parseManifests(readFileSync(files[0], 'utf8'));
  const options = { profile: self ? 'production' : profile, registry: modelRegistry(), protos: protosDir ? protoServices(protosDir) : [] };
  if (self) return selfTest(objects, options);
  const { problems, checked } = check(objects, options);
  console.log(`${files[0]}: ${objects.length} objects (profile ${profile})`);
  for (const c of checked) console.log(`  ok-checked: ${c}`);
  if (problems.length) {
    for (const p of problems) console.log(`  PROBLEM: ${p}`);
    console.log(`${files[0]}: ${problems.length} problem(s)`);
    return 1;
  }
  console.log(`${files[0]}: valid`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
