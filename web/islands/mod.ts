/**
 * Server-side handles of the islands. Each name matches a file in this folder, which the build
 * turns into a client chunk; routes import islands from here, never the files directly.
 */
import { defineIsland } from "../render/island.ts";
import AccountSettingsComponent from "./AccountSettings.tsx";
import AuthFormComponent from "./AuthForm.tsx";
import CallHistoryComponent from "./CallHistory.tsx";
import CopyButtonComponent from "./CopyButton.tsx";
import DialerComponent from "./Dialer.tsx";
import InvitationsComponent from "./Invitations.tsx";
import PeopleComponent from "./People.tsx";
import PersonalPhoneComponent from "./PersonalPhone.tsx";
import PhoneComponent from "./Phone.tsx";
import RecordingsComponent from "./Recordings.tsx";
import RecordingSettingsComponent from "./RecordingSettings.tsx";
import SipSettingsComponent from "./SipSettings.tsx";
import VoicemailComponent from "./Voicemail.tsx";

export const AccountSettings = defineIsland("AccountSettings", AccountSettingsComponent);
export const AuthForm = defineIsland("AuthForm", AuthFormComponent);
export const CallHistory = defineIsland("CallHistory", CallHistoryComponent);
export const CopyButton = defineIsland("CopyButton", CopyButtonComponent);
export const Dialer = defineIsland("Dialer", DialerComponent);
export const Invitations = defineIsland("Invitations", InvitationsComponent);
export const People = defineIsland("People", PeopleComponent);
export const PersonalPhone = defineIsland("PersonalPhone", PersonalPhoneComponent);
export const Phone = defineIsland("Phone", PhoneComponent);
export const Recordings = defineIsland("Recordings", RecordingsComponent);
export const RecordingSettings = defineIsland("RecordingSettings", RecordingSettingsComponent);
export const SipSettings = defineIsland("SipSettings", SipSettingsComponent);
export const Voicemail = defineIsland("Voicemail", VoicemailComponent);
