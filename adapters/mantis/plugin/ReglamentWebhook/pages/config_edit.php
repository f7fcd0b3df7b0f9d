<?php
# Saves the configuration page; an empty secret field keeps the stored secret.
form_security_validate( 'plugin_ReglamentWebhook_config_edit' );
auth_reauthenticate();
access_ensure_global_level( config_get( 'manage_plugin_threshold' ) );

plugin_config_set( 'url', trim( gpc_get_string( 'url', '' ) ) );
$t_secret = gpc_get_string( 'secret', '' );
if( !is_blank( $t_secret ) ) {
	plugin_config_set( 'secret', $t_secret );
}
plugin_config_set( 'timeout_ms', max( 100, min( 10000, gpc_get_int( 'timeout_ms', 1500 ) ) ) );

form_security_purge( 'plugin_ReglamentWebhook_config_edit' );
print_successful_redirect( plugin_page( 'config', true ) );
