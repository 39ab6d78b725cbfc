import { PolicyPack } from "@pulumi/policy";
import { guardiaPolicies } from "./policies.js";

// Constructing the pack starts its gRPC server for the Pulumi engine; tests import
// ./policies.js instead and call the validation callbacks directly.
new PolicyPack("guardia", { policies: guardiaPolicies() });
