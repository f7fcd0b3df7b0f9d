<?php
# Reglament webhook for MantisBT 2.x: tells the Reglament bridge, within a second, that
# an issue was reported, updated, moved to another status or commented on in the web UI.
# The event is only a hint (issue id, event, actor, time): the bridge reads the issue
# through the REST API and decides exactly as its poller would, and the poller still runs,
# because REST edits and bulk actions fire no plugin event.
# The body is signed with HMAC-SHA256 under the shared secret (X-Reglament-Signature).
# A failure never blocks the user's action: short timeouts, errors go to the PHP log.

class ReglamentWebhookPlugin extends MantisPlugin {
	public function register() {
		$this->name = plugin_lang_get( 'title' );
		$this->description = plugin_lang_get( 'description' );
		$this->page = 'config';
		$this->version = '1.0.0';
		$this->requires = array( 'MantisCore' => '2.0.0' );
		$this->author = 'Reglament';
		$this->url = 'https://github.com/reglament';
	}

	public function config() {
		return array(
			'url' => '',
			'secret' => '',
			'timeout_ms' => 1500,
		);
	}

	public function hooks() {
		return array(
			'EVENT_REPORT_BUG' => 'on_report',
			'EVENT_UPDATE_BUG' => 'on_update',
			'EVENT_BUGNOTE_ADD' => 'on_note',
		);
	}

	public function on_report( $p_event, $p_issue, $p_issue_id ) {
		$this->notify( (int)$p_issue_id, (int)$p_issue->project_id, 'report' );
	}

	public function on_update( $p_event, $p_original, $p_updated ) {
		$t_event = (int)$p_original->status !== (int)$p_updated->status ? 'status' : 'update';
		$this->notify( (int)$p_updated->id, (int)$p_updated->project_id, $t_event );
	}

	public function on_note( $p_event, $p_issue_id, $p_note_id, $p_files = null ) {
		$this->notify( (int)$p_issue_id, (int)bug_get_field( $p_issue_id, 'project_id' ), 'note' );
	}

	/** Builds the signed body; separate from sending so it can be checked on its own. */
	public static function signed_body( $p_issue_id, $p_project_id, $p_event, $p_actor, $p_time, $p_secret ) {
		$t_body = json_encode( array(
			'issue_id' => $p_issue_id,
			'project_id' => $p_project_id,
			'event' => $p_event,
			'actor' => $p_actor,
			'time' => $p_time,
		), JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES );
		return array( $t_body, 'sha256=' . hash_hmac( 'sha256', $t_body, $p_secret ) );
	}

	private function notify( $p_issue_id, $p_project_id, $p_event ) {
		try {
			$t_url = plugin_config_get( 'url' );
			$t_secret = plugin_config_get( 'secret' );
			if( is_blank( $t_url ) || is_blank( $t_secret ) ) {
				return;
			}
			$t_actor = user_get_name( auth_get_current_user_id() );
			list( $t_body, $t_signature ) = self::signed_body(
				$p_issue_id, $p_project_id, $p_event, $t_actor, date( 'c' ), $t_secret );
			$t_timeout = max( 100, (int)plugin_config_get( 'timeout_ms' ) );
			$t_curl = curl_init( $t_url );
			curl_setopt_array( $t_curl, array(
				CURLOPT_POST => true,
				CURLOPT_POSTFIELDS => $t_body,
				CURLOPT_HTTPHEADER => array(
					'Content-Type: application/json',
					'X-Reglament-Signature: ' . $t_signature,
				),
				CURLOPT_RETURNTRANSFER => true,
				CURLOPT_CONNECTTIMEOUT_MS => $t_timeout,
				CURLOPT_TIMEOUT_MS => $t_timeout,
			) );
			$t_result = curl_exec( $t_curl );
			$t_status = (int)curl_getinfo( $t_curl, CURLINFO_RESPONSE_CODE );
			if( $t_result === false || $t_status >= 300 ) {
				error_log( sprintf( 'ReglamentWebhook: issue %d (%s) not delivered to %s: %s',
					$p_issue_id, $p_event, $t_url,
					$t_result === false ? curl_error( $t_curl ) : 'HTTP ' . $t_status ) );
			}
			curl_close( $t_curl );
		} catch( Throwable $e ) {
			error_log( 'ReglamentWebhook: ' . $e->getMessage() );
		}
	}
}
