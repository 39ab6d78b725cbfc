import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { DjangoProject } from "./django.js";
import { freePort } from "./ports.js";
import { startProcess, type LongRunning } from "./process.js";
import { PYTHON } from "./django.js";

/**
 * What the hygiene tests add to a harness Django project (createDjangoProject): a DRF endpoint
 * that answers only to a valid token (as the logistics API's /api/v1/whoami), a `forms` app
 * whose models reference files like the logistics plan's `Answer`, and Django's own dev server
 * on loopback to send requests to.
 */

const WHOAMI = `
from django.urls import path as _path
from rest_framework.authentication import TokenAuthentication
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

@api_view(["GET"])
@authentication_classes([TokenAuthentication])
@permission_classes([IsAuthenticated])
def whoami(request):
    return Response({"username": request.user.username})

urlpatterns += [_path("api/v1/whoami", whoami)]
`;

/** GET /api/v1/whoami with DRF's TokenAuthentication. */
export function addTokenApi(project: DjangoProject): void {
  appendFileSync(path.join(project.dir, "logi", "urls.py"), WHOAMI);
}

const FORMS_MODELS = `
from django.db import models

class Answer(models.Model):
    file = models.FileField(upload_to="answers/")

class Report(models.Model):
    title = models.CharField(max_length=50)
    attachment = models.FileField(upload_to="reports/", blank=True)
    photo = models.ImageField(upload_to="photos/", blank=True)
`;

/** A `forms` app: Answer.file, Report.attachment and Report.photo (an ImageField), migrated. */
export async function addFormsApp(project: DjangoProject): Promise<void> {
  const app = path.join(project.dir, "forms");
  mkdirSync(path.join(app, "migrations"), { recursive: true });
  writeFileSync(path.join(app, "__init__.py"), "");
  writeFileSync(path.join(app, "migrations", "__init__.py"), "");
  writeFileSync(path.join(app, "models.py"), FORMS_MODELS);
  appendFileSync(path.join(project.dir, "logi", "settings.py"), '\nINSTALLED_APPS += ["forms"]\n');
  await project.manage(["makemigrations", "forms"]);
  await project.manage(["migrate", "--noinput"]);
}

/** `manage.py runserver` on a loopback port, ready once the API answers (401 without a token). */
export async function startDevServer(
  project: DjangoProject,
): Promise<LongRunning & { url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startProcess({
    name: "django runserver",
    cmd: PYTHON,
    args: ["manage.py", "runserver", `127.0.0.1:${port}`, "--noreload", "--nothreading"],
    cwd: project.dir,
    env: project.env,
    ready: async () => (await fetch(`${url}/api/v1/whoami`)).status === 401,
    timeoutMs: 45_000,
  });
  return Object.assign(server, { url });
}

/** The HTTP status DRF answers a request with this token. */
export async function whoamiStatus(url: string, token: string): Promise<number> {
  const response = await fetch(`${url}/api/v1/whoami`, {
    headers: { Authorization: `Token ${token}` },
  });
  await response.body?.cancel();
  return response.status;
}
