/** Local Salesforce REST API emulator: see README.md in this folder. */
export { startSalesforceEmulator, DEFAULT_METADATA_DIR } from './server';
export type { SalesforceEmulator, SalesforceEmulatorOptions } from './server';
export type { CurrencyChange, EmulatorControl, SeedInput } from './control';
export type { FaultSpec, FaultKind, ActiveFault } from './faults';
export type { CalloutConfig, CalloutRecord } from './callouts';
export type { ValidationRule, ValidationInput } from './dml';
export type { SchemaExtension, FieldExtension } from './schema/types';
export { idChecksum, toId18, isValidId } from './ids';
export type { PermissionSetDef, FieldPermission } from './access';
export type { PermissionSetAssignment } from './state';
export type { PlatformEventMessage, EventListener } from './events';
