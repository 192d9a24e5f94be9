/**
 * Names FreeSWITCH 1.10 knows, taken once from its source (github.com/signalwire/freeswitch, tag
 * v1.10.12, commit a88d069d6ffb74df797bcaf001f7e63181c07a09) so the config tests can check that
 * pbx/freeswitch only uses real modules, applications and parameters:
 * - MODULES: the directory names src/mod/<category>/mod_* (`git ls-tree -d v1.10.12:src/mod/<c>`);
 * - APPLICATIONS: every SWITCH_ADD_APP name in src/mod/applications/mod_dptools/mod_dptools.c;
 * - SOFIA_SETTINGS: every strcasecmp(var, "...") in src/mod/endpoints/mod_sofia/sofia.c (profile
 *   and global settings); SOFIA_GATEWAY: the strcmp(var, "...") names of its parse_gateways();
 * - CORE_SETTINGS: the strcasecmp(var, "...") names in src/switch_core.c (switch.conf);
 * - JSON_CDR_SETTINGS: src/mod/event_handlers/mod_json_cdr/mod_json_cdr.c;
 * - EVENT_SOCKET_SETTINGS, CONSOLE_SETTINGS, ACL_NODE_ATTRIBUTES: read from the config() functions
 *   of mod_event_socket.c and mod_console.c and from switch_load_network_lists() in switch_core.c;
 * - CORE_VARIABLES: the globals switch_core_init() sets before the configuration is read.
 */

const words = (text: string) => new Set(text.trim().split(/\s+/));

export const MODULES = words(`
  mod_abstraction mod_av mod_avmd mod_bert mod_blacklist mod_callcenter mod_cidlookup
  mod_cluechoo mod_commands mod_conference mod_curl mod_cv mod_db mod_directory mod_distributor
  mod_dptools mod_easyroute mod_enum mod_esf mod_esl mod_expr mod_fifo mod_fsk mod_fsv mod_hash
  mod_hiredis mod_httapi mod_http_cache mod_ladspa mod_lcr mod_limit mod_memcache mod_mongo
  mod_mp4 mod_mp4v2 mod_nibblebill mod_oreka mod_osp mod_prefix mod_rad_auth mod_random mod_redis
  mod_rss mod_signalwire mod_skel mod_sms mod_sms_flowroute mod_snapshot mod_snom mod_sonar
  mod_soundtouch mod_spandsp mod_spy mod_stress mod_test mod_translate mod_valet_parking
  mod_video_filter mod_vmd mod_voicemail mod_voicemail_ivr mod_cepstral mod_flite
  mod_pocketsphinx mod_tts_commandline mod_amr mod_amrwb mod_b64 mod_bv mod_clearmode mod_codec2
  mod_com_g729 mod_dahdi_codec mod_g723_1 mod_g729 mod_h26x mod_ilbc mod_isac mod_mp4v
  mod_openh264 mod_opus mod_sangoma_codec mod_silk mod_siren mod_skel_codec mod_theora mod_yuv
  mod_mariadb mod_pgsql mod_dialplan_asterisk mod_dialplan_directory mod_dialplan_xml mod_ldap
  mod_alsa mod_gsmopen mod_h323 mod_khomp mod_loopback mod_opal mod_portaudio mod_reference
  mod_rtc mod_rtmp mod_skinny mod_skypopen mod_sofia mod_unicall mod_verto mod_amqp mod_cdr_csv
  mod_cdr_mongodb mod_cdr_pg_csv mod_cdr_sqlite mod_erlang_event mod_event_multicast
  mod_event_socket mod_event_test mod_event_zmq mod_fail2ban mod_format_cdr mod_json_cdr
  mod_odbc_cdr mod_radius_cdr mod_rayo mod_smpp mod_snmp mod_imagick mod_local_stream
  mod_native_file mod_opusfile mod_png mod_portaudio_stream mod_shell_stream mod_shout
  mod_sndfile mod_ssml mod_tone_stream mod_vlc mod_webm mod_basic mod_java mod_lua mod_managed
  mod_perl mod_python mod_python3 mod_v8 mod_yaml mod_console mod_graylog2 mod_logfile mod_raven
  mod_syslog mod_say_de mod_say_en mod_say_es mod_say_es_ar mod_say_fa mod_say_fr mod_say_he
  mod_say_hr mod_say_hu mod_say_it mod_say_ja mod_say_nl mod_say_pl mod_say_pt mod_say_ru
  mod_say_sv mod_say_th mod_say_zh mod_posix_timer mod_timerfd mod_xml_cdr mod_xml_curl
  mod_xml_ldap mod_xml_radius mod_xml_rpc mod_xml_scgi
`);

export const APPLICATIONS = words(`
  acknowledge_call answer att_xfer bgsystem bind_digit_action bind_meta_app blind_transfer_ack
  block_dtmf break bridge bridge_export broadcast capture capture_text check_acl
  clear_digit_action clear_speech_cache cng_plc debug_media deduplicate_dtmf deflect delay_echo
  detect_audio detect_silence detect_speech digit_action_set_realm displace_session early_hangup
  eavesdrop echo enable_heartbeat enable_keepalive endless_playback eval event execute_extension
  export fax_detect filter_codecs flush_dtmf gentones hangup hold info intercept ivr jitterbuffer
  limit limit_execute limit_hash limit_hash_execute log loop_playback media_reset mkdir multiset
  multiunset mutex native_eavesdrop novideo page park park_state phrase pickup
  play_and_detect_speech play_and_get_digits playback pre_answer preprocess presence privacy push
  queue_dtmf read record record_session record_session_mask record_session_pause
  record_session_resume record_session_unmask recovery_refresh redirect remove_bugs rename
  respond reuse_caller_profile ring_ready say sched_broadcast sched_cancel sched_hangup
  sched_heartbeat sched_transfer send_display send_dtmf send_info session_loglevel set
  set_audio_level set_global set_media_stats set_mute set_name set_profile_var set_user
  set_zombie_exec sleep soft_hold sound_test speak start_dtmf start_dtmf_generate stop
  stop_displace_session stop_dtmf stop_dtmf_generate stop_record_session stop_tone_detect
  stop_video_write_overlay strftime system three_way tone_detect transfer transfer_vars
  unbind_meta_app unblock_dtmf unhold unset unshift vad_test verbose_events video_decode
  video_refresh video_write_overlay wait_for_answer wait_for_silence wait_for_video_ready
`);

export const SOFIA_SETTINGS = words(`
  3pcc-reinvite-bridged-on-ack NDLB-allow-bad-iananame NDLB-allow-crypto-in-avp
  NDLB-allow-nondup-sdp NDLB-broken-auth-hash NDLB-expires-in-register-response NDLB-force-rport
  NDLB-proxy-never-patch-reinvites NDLB-received-in-nat-reg-contact NDLB-sendrecv-in-session
  NDLB-support-asterisk-missing-srtp-auth abort-on-empty-external-ip accept-blind-auth
  accept-blind-reg aggressive-nat-detection alias all-reg-options-ping allow-update
  apply-candidate-acl apply-inbound-acl apply-inbound-acl-x-token apply-nat-acl apply-proxy-acl
  apply-proxy-acl-x-token apply-register-acl auth-all-packets auth-calls auth-calls-acl-only
  auth-messages auth-require-user auth-subscriptions auto-invite-100 auto-jitterbuffer-msec
  auto-restart auto-rtp-bugs bind-attempt-interval bind-attempts bind-params bitpacking
  blind-auth-reply-403 caller-id-type capture-server challenge-realm
  channel-xml-fetch-on-nightmare-transfer cid-in-1xx cng-pt codec-prefs confirm-blind-transfer
  contact-user context db-inner-post-trans-execute db-inner-pre-trans-execute
  db-post-trans-execute db-pre-trans-execute db-spin-up-wait-ms dbname debug debug-presence
  debug-sla dialplan disable-auth-messages disable-auth-subscriptions disable-hold disable-naptr
  disable-register disable-rtp-auto-adjust disable-srv disable-srv503 disable-transcoding
  disable-transfer dtmf-duration dtmf-type enable-100rel enable-3pcc enable-chat
  enable-compact-headers enable-rfc-5626 enable-soa enable-timer enforce-blind-auth-result
  ext-rtp-ip ext-sip-ip ext-sip-port extended-info-parsing fire-bye-response-events
  fire-message-events fire-transfer-events force-publish-expires force-register-db-domain
  force-register-domain force-subscription-domain force-subscription-expires
  forward-unsolicited-mwi-notify full-id-in-dialplan hold-music ignore-183nosdp in-dialog-chat
  inbound-bypass-media inbound-codec-negotiation inbound-codec-prefs inbound-late-negotiation
  inbound-no-media inbound-proxy-media inbound-reg-force-matching-username
  inbound-reg-in-new-thread inbound-use-callid-as-uuid keepalive-method liberal-dtmf
  local-network-acl log-auth-failures log-level make-every-transfer-a-nightmare manage-presence
  manage-shared-appearance manual-redirect manual-rtp-bugs manual-video-rtp-bugs
  max-auth-validity max-calls max-proceeding max-recv-requests-per-second max-reg-threads
  max-registrations-per-extension media-option minimum-session-expires multiple-registrations
  mwi-use-reg-callid nat-options-ping nonce-ttl odbc-dsn outbound-codec-prefs outbound-proxy
  outbound-use-uuid-as-callid p-asserted-id-parse parse-all-invite-headers
  parse-invite-tel-params pass-callee-id pass-rfc2833 ping-mean-interval ping-thread-frequency
  pnp-provision-url presence-disable-early presence-hold-state presence-hosts presence-privacy
  presence-probe-on-register presence-proto-lookup profile-standby proxy-hold proxy-info
  proxy-info-content-types proxy-message proxy-notify-events proxy-refer proxy-refer-replaces
  record-path record-template reg-deny-binding-fetch-and-no-lookup registration-thread-frequency
  require-secure-rtp reuse-connections rewrite-multicasted-fs-path rfc-7989 rfc-7989-filter
  rfc-7989-force-old rfc2833-pt rfc8760-auth-algorithms rtcp-audio-interval-msec
  rtcp-video-interval-msec rtp-autofix-timing rtp-digit-delay rtp-hold-timeout-sec rtp-ip
  rtp-notimer-during-bridge rtp-rewrite-timestamps rtp-timeout-sec rtp-timer-name
  send-display-update send-message-query-on-register send-presence-on-register session-timeout
  shutdown-on-fail sip-capture sip-domain sip-expires-late-margin sip-expires-max-deviation
  sip-force-expires sip-force-expires-max sip-force-expires-min sip-ip
  sip-messages-respond-200-ok sip-options-respond-503-on-busy sip-port
  sip-subscribe-respond-200-ok sip-subscription-max-deviation sip-trace sip-user-ping-max
  sip-user-ping-min socket-tcp-keepalive stir-shaken-as-key stir-shaken-as-url
  stir-shaken-vs-ca-dir stir-shaken-vs-cert-path-check stir-shaken-vs-require-date suppress-cng
  supress-cng t38-passthru tcp-always-nat tcp-keepalive tcp-ping2pong tcp-pingpong
  tcp-unreg-on-socket-close timer-T1 timer-T1X64 timer-T2 timer-T4 tls tls-always-nat
  tls-bind-params tls-cert-dir tls-ciphers tls-only tls-orq-connect-timeout tls-passphrase
  tls-sip-port tls-timeout tls-verify-date tls-verify-depth tls-verify-in-subjects
  tls-verify-policy tls-version tracelevel track-calls unregister-on-options-fail
  update-refresher use-port-for-acl-check user-agent-filter user-agent-string username vad
  watchdog-enabled watchdog-event-timeout watchdog-step-timeout ws-binding wss-binding
`);

export const SOFIA_GATEWAY = words(`
  908-retry-seconds auth-username caller-id-in-from contact-host contact-in-ping contact-params
  context destination-prefix distinct-to expire-seconds extension extension-in-contact
  from-domain from-user gw-auth-acl outbound-proxy password ping ping-max ping-min
  ping-monitoring ping-user-agent proxy realm reg-id register register-proxy register-transport
  retry-seconds retry_seconds rfc-5626 scheme timeout-seconds username
`);

export const CORE_SETTINGS = words(`
  1ms-timer G723 api-expansion auto-clear-sql auto-create-schemas
  caller-profile-soft-lookup-values caller-profile-soft-variables-uses-prefix colorize-console
  core-db-dsn core-db-inner-post-trans-execute core-db-inner-pre-trans-execute core-db-name
  core-db-post-trans-execute core-db-pre-trans-execute core-dbtype core-non-sqlite-db-required
  cpu-idle-smoothing-depth db-handle-timeout debug-level default-dtmf-duration
  dialplan-timestamps dump-cores enable-clock-nanosleep enable-cond-yield enable-early-hangup
  enable-monotonic-timing enable-softtimer-timerfd enable-timer-matrix enable-use-system-time
  event-channel-enable-hierarchy-deliver event-channel-hierarchy-deliver-once
  event-channel-key-separator event-channel-log-undeliverable-json event-heartbeat-interval
  events-use-dispatch exclude-error-log-from-xml-cdr iLBC ice-resolve-candidate
  initial-event-threads loglevel mailer-app mailer-app-args max-audio-channels max-db-handles
  max-dtmf-duration max-sessions min-dtmf-duration min-idle-cpu multiple-registrations
  odbc-skip-autocommit-flip rtp-end-port rtp-port-usage-robustness rtp-retain-crypto-keys
  rtp-start-port session-thread-pool sessions-per-second spawn-instead-of-system switchname
  threaded-system-exec timer-affinity tipping-point verbose-channel-events
`);

export const JSON_CDR_SETTINGS = words(`
  auth-scheme cred delay disable-100-continue enable-cacert-check enable-ssl-verifyhost encode
  encode-values err-log-dir log-b-leg log-dir log-errors-to-disk log-http-and-disk prefix-a-leg
  queue-capacity retries rotate ssl-cacert-file ssl-cert-path ssl-key-password ssl-key-path
  ssl-version timeout url
`);

export const EVENT_SOCKET_SETTINGS = words(`
  listen-ip debug nat-map listen-port password apply-inbound-acl stop-on-bind-error
`);

export const CONSOLE_SETTINGS = words(`
  colorize loglevel uuid json
`);

export const ACL_NODE_ATTRIBUTES = words(`
  type cidr host mask domain port ports port-min port-max
`);

export const CORE_VARIABLES = words(`
  hostname local_ip_v4 local_mask_v4 local_ip_v6 base_dir recordings_dir sound_prefix sounds_dir
  conf_dir log_dir run_dir db_dir mod_dir htdocs_dir script_dir temp_dir grammar_dir fonts_dir
  images_dir certs_dir storage_dir cache_dir data_dir localstate_dir
`);
