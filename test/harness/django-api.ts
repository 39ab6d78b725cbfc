import { writeFileSync, appendFileSync } from "node:fs";
import path from "node:path";
import { createDjangoProject, PYTHON, type DjangoProject } from "./django.js";
import { freePort } from "./ports.js";
import type { PgServer } from "./postgres.js";
import { run, startProcess, type LongRunning } from "./process.js";

/**
 * The logistics backend's API as the logistics support plan describes it, served for real by
 * Django's own server from Debian's packages: DRF token auth (`POST /api/v1/auth/token/`),
 * `GET /api/v1/whoami` (level 1's availability check) and a list endpoint that can also create
 * and delete (`/api/v1/groups/`, Django's own auth groups, so no migration of its own).
 */

const API = `
from django.contrib.auth.models import Group
from rest_framework import permissions, serializers, viewsets
from rest_framework.authentication import TokenAuthentication
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.response import Response


class GroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = Group
        fields = ["id", "name"]


class GroupViewSet(viewsets.ModelViewSet):
    queryset = Group.objects.order_by("id")
    serializer_class = GroupSerializer
    authentication_classes = [TokenAuthentication]
    permission_classes = [permissions.IsAuthenticated]


@api_view(["GET"])
@authentication_classes([TokenAuthentication])
@permission_classes([permissions.IsAuthenticated])
def whoami(request):
    return Response({"username": request.user.username})
`;

const URLS = `
from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter
from logi.api import GroupViewSet, whoami

router = DefaultRouter()
router.register("groups", GroupViewSet)
urlpatterns = [
    path("api/v1/auth/token/", obtain_auth_token),
    path("api/v1/whoami", whoami),
    path("api/v1/", include(router.urls)),
]
`;

const SETTINGS = `
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
REST_FRAMEWORK = {
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 10,
}
`;

export interface DjangoApi {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly project: DjangoProject;
  /** A user created through Django itself; the password travels in the environment. */
  createUser(username: string, password: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startDjangoApi(pg: PgServer, database = "logistica_api"): Promise<DjangoApi> {
  // No Celery here: the broker URL is only read by a worker, and none starts.
  const project = await createDjangoProject(pg, "redis://127.0.0.1:1/0", database);
  writeFileSync(path.join(project.dir, "logi", "api.py"), API);
  writeFileSync(path.join(project.dir, "logi", "urls.py"), URLS);
  appendFileSync(path.join(project.dir, "logi", "settings.py"), SETTINGS);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let server: LongRunning;
  try {
    server = await startProcess({
      name: "django runserver",
      cmd: PYTHON,
      args: ["manage.py", "runserver", `127.0.0.1:${port}`, "--noreload"],
      cwd: project.dir,
      env: project.env,
      timeoutMs: 60_000,
      ready: async () => (await fetch(`${url}/api/v1/whoami`)).status === 401,
    });
  } catch (err) {
    project.remove();
    throw err;
  }
  return {
    url,
    project,
    createUser: async (username, password) => {
      const code = `import os; from django.contrib.auth.models import User; User.objects.create_user(${JSON.stringify(username)}, password=os.environ["NEW_USER_PASSWORD"])`;
      await run(PYTHON, ["manage.py", "shell", "-c", code], {
        cwd: project.dir,
        env: { ...project.env, NEW_USER_PASSWORD: password },
      });
    },
    stop: async () => {
      await server.stop();
      project.remove();
    },
  };
}
